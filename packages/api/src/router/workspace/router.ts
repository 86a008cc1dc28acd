import type { TRPCRouterRecord } from "@trpc/server";
import { deleteWorkspace, listMyWorkspaces, restoreWorkspace, updateWorkspace } from "@spine/domain";
import { z } from "zod";
import { toMyWorkspaceDto, toWorkspaceDto, ZMyWorkspaceSchema, ZWorkspaceSchema } from "../../dto/identity.dto.ts";
import { userProcedure, workspaceProcedure } from "../../trpc.ts";
import { createWorkspaceRoute } from "./create-workspace.ts";
import { ZListWorkspacesRequestSchema, ZUpdateWorkspaceRequestSchema } from "./workspace.types.ts";

export const workspaceRouter = {
  create: createWorkspaceRoute,
  listMine: userProcedure
    .input(ZListWorkspacesRequestSchema)
    .output(z.array(ZMyWorkspaceSchema))
    .query(({ ctx, input }) => ctx.run(async (op) => (await listMyWorkspaces(op, input)).map(toMyWorkspaceDto))),
  get: workspaceProcedure("workspace.read")
    .output(ZMyWorkspaceSchema)
    .query(({ ctx }) => ctx.run(async (_op, access) => toMyWorkspaceDto(access))),
  update: workspaceProcedure("workspace.update", ZUpdateWorkspaceRequestSchema)
    .output(ZWorkspaceSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op, access) => toWorkspaceDto(await updateWorkspace(op, access.workspace, input)))),
  delete: workspaceProcedure("workspace.delete")
    .output(ZWorkspaceSchema)
    .mutation(({ ctx }) => ctx.run(async (op, access) => toWorkspaceDto(await deleteWorkspace(op, access.workspace)))),
  restore: workspaceProcedure("workspace.delete", undefined, { allowDeletedWorkspace: true })
    .output(ZWorkspaceSchema)
    .mutation(({ ctx }) => ctx.run(async (op, access) => toWorkspaceDto(await restoreWorkspace(op, access.workspace)))),
} satisfies TRPCRouterRecord;
