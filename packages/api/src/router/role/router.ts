import type { TRPCRouterRecord } from "@trpc/server";
import { createRole, deleteRole, listRoles, updateRole } from "@spine/domain";
import { z } from "zod";
import { toRoleDto, ZRoleSchema } from "../../dto/identity.dto.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { ZCreateRoleRequestSchema, ZDeleteRoleRequestSchema, ZUpdateRoleRequestSchema } from "./role.types.ts";

export const roleRouter = {
  list: workspaceProcedure("members.read")
    .output(z.array(ZRoleSchema))
    .query(({ ctx }) => ctx.run(async (op) => (await listRoles(op)).map(toRoleDto))),
  create: workspaceProcedure("roles.manage", ZCreateRoleRequestSchema)
    .output(ZRoleSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op, access) => toRoleDto(await createRole(op, access, input)))),
  update: workspaceProcedure("roles.manage", ZUpdateRoleRequestSchema)
    .output(ZRoleSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op, access) => toRoleDto(await updateRole(op, access, input)))),
  /** Delete a custom role (audited: role.deleted). PRECONDITION_FAILED while a member holds it; built-in roles are FORBIDDEN. */
  delete: workspaceProcedure("roles.manage", ZDeleteRoleRequestSchema)
    .output(z.object({ roleId: z.string() }))
    .mutation(({ ctx, input }) => ctx.run((op, access) => deleteRole(op, access, input))),
} satisfies TRPCRouterRecord;
