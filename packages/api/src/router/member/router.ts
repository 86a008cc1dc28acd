import type { TRPCRouterRecord } from "@trpc/server";
import { addMember, changeMemberRole, listMembers, removeMember } from "@spine/domain";
import { z } from "zod";
import { toMemberDto, ZMemberSchema } from "../../dto/identity.dto.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { ZAddMemberRequestSchema, ZChangeMemberRoleRequestSchema, ZRemoveMemberRequestSchema } from "./member.types.ts";

export const memberRouter = {
  list: workspaceProcedure("members.read")
    .output(z.array(ZMemberSchema))
    .query(({ ctx }) => ctx.run(async (op) => (await listMembers(op)).map(toMemberDto))),
  add: workspaceProcedure("members.manage", ZAddMemberRequestSchema)
    .output(ZMemberSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op, access) => toMemberDto(await addMember(op, access, input)))),
  changeRole: workspaceProcedure("members.manage", ZChangeMemberRoleRequestSchema)
    .output(ZMemberSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op, access) => toMemberDto(await changeMemberRole(op, access, input)))),
  remove: workspaceProcedure("members.manage", ZRemoveMemberRequestSchema)
    .output(ZMemberSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op, access) => toMemberDto(await removeMember(op, access, input.membershipId)))),
} satisfies TRPCRouterRecord;
