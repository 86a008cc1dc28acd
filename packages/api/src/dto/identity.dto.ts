import type { MemberView, Role, User, Workspace } from "@spine/domain";
import { z } from "zod";
import { iso, ZIdSchema, ZTimestampSchema } from "./common.ts";

export const ZUserSchema = z.object({ id: ZIdSchema, email: z.string(), displayName: z.string(), createdAt: ZTimestampSchema });
export type TUser = z.infer<typeof ZUserSchema>;
export function toUserDto(u: User): TUser {
  return { id: u.id, email: u.email, displayName: u.displayName, createdAt: iso(u.createdAt) };
}

export const ZRoleSchema = z.object({ id: ZIdSchema, key: z.string(), name: z.string(), permissions: z.array(z.string()), builtIn: z.boolean() });
export type TRole = z.infer<typeof ZRoleSchema>;
export function toRoleDto(r: Role): TRole {
  return { id: r.id, key: r.key, name: r.name, permissions: [...r.permissions], builtIn: r.builtIn };
}

export const ZWorkspaceSchema = z.object({
  id: ZIdSchema, name: z.string(), slug: z.string(), settings: z.record(z.string(), z.unknown()), planTier: z.string(),
  createdBy: ZIdSchema, createdAt: ZTimestampSchema, updatedAt: ZTimestampSchema, deletedAt: ZTimestampSchema.nullable(),
});
export type TWorkspace = z.infer<typeof ZWorkspaceSchema>;
export function toWorkspaceDto(w: Workspace): TWorkspace {
  return {
    id: w.id, name: w.name, slug: w.slug, settings: w.settings, planTier: w.planTier, createdBy: w.createdBy,
    createdAt: iso(w.createdAt), updatedAt: iso(w.updatedAt), deletedAt: iso(w.deletedAt),
  };
}

/** A workspace as its caller sees it: with the caller's role. */
export const ZMyWorkspaceSchema = z.object({ workspace: ZWorkspaceSchema, role: ZRoleSchema });
export type TMyWorkspace = z.infer<typeof ZMyWorkspaceSchema>;
export function toMyWorkspaceDto(v: { workspace: Workspace; role: Role }): TMyWorkspace {
  return { workspace: toWorkspaceDto(v.workspace), role: toRoleDto(v.role) };
}

export const ZMemberSchema = z.object({
  membershipId: ZIdSchema, userId: ZIdSchema, email: z.string(), displayName: z.string(), role: ZRoleSchema, joinedAt: ZTimestampSchema,
});
export type TMember = z.infer<typeof ZMemberSchema>;
export function toMemberDto(m: MemberView): TMember {
  return {
    membershipId: m.membership.id, userId: m.user.id, email: m.user.email, displayName: m.user.displayName,
    role: toRoleDto(m.role), joinedAt: iso(m.membership.createdAt),
  };
}
