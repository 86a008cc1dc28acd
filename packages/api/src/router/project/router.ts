import type { TRPCRouterRecord } from "@trpc/server";
import { createProject, deleteProject, findProject, listProjects, restoreProject, updateProject } from "@spine/domain";
import { zPage } from "../../dto/common.ts";
import { toProjectDto, ZProjectSchema } from "../../dto/product.dto.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { ZCreateProjectRequestSchema, ZListProjectsRequestSchema, ZProjectRefSchema, ZUpdateProjectRequestSchema } from "./project.types.ts";

export const projectRouter = {
  create: workspaceProcedure("projects.write", ZCreateProjectRequestSchema)
    .output(ZProjectSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op) => toProjectDto(await createProject(op, input)))),
  get: workspaceProcedure("projects.read", ZProjectRefSchema)
    .output(ZProjectSchema)
    .query(({ ctx, input }) => ctx.run(async (op) => toProjectDto(await findProject(op, input.projectId)))),
  list: workspaceProcedure("projects.read", ZListProjectsRequestSchema)
    .output(zPage(ZProjectSchema))
    .query(({ ctx, input }) =>
      ctx.run(async (op) => {
        const page = await listProjects(op, input);
        return { items: page.items.map(toProjectDto), nextCursor: page.nextCursor };
      }),
    ),
  update: workspaceProcedure("projects.write", ZUpdateProjectRequestSchema)
    .output(ZProjectSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op) => toProjectDto(await updateProject(op, input)))),
  delete: workspaceProcedure("projects.delete", ZProjectRefSchema)
    .output(ZProjectSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op) => toProjectDto(await deleteProject(op, input.projectId)))),
  restore: workspaceProcedure("projects.delete", ZProjectRefSchema)
    .output(ZProjectSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op) => toProjectDto(await restoreProject(op, input.projectId)))),
} satisfies TRPCRouterRecord;
