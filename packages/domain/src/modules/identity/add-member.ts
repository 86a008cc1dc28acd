import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { newId } from "../../shared/ids.ts";
import { recordActivity } from "../product/record-activity.ts";
import { assertCanAssignRole } from "./assert-can-assign-role.ts";
import type { WorkspaceAccess } from "./authorize-member.ts";
import { User, WorkspaceMembership } from "./entities.ts";
import { findRoleByKey } from "./find-role-by-key.ts";
import type { MemberView } from "./list-members.ts";

/** Add an existing user, found by email, to the workspace with a role. */
export async function addMember(op: Operation, access: WorkspaceAccess, input: { email: string; roleKey: string }): Promise<MemberView> {
  const user = await op.em.findOne(User, { email: input.email.trim().toLowerCase(), deletedAt: null });
  if (!user) throw new AppError("NOT_FOUND", "no account with this email", { issues: [{ path: "email", message: "no account with this email" }] });
  const role = await findRoleByKey(op, input.roleKey);
  assertCanAssignRole(access, role);
  const existing = await op.em.findOne(WorkspaceMembership, { userId: user.id });
  if (existing) throw AppError.conflict("already a member", [{ path: "email", message: "already a member of this workspace" }]);
  const membership = op.em.create(WorkspaceMembership, { id: newId(), workspaceId: op.workspaceId, userId: user.id, roleId: role.id });
  op.emit("membership.added", { membership_id: membership.id, user_id: user.id, role: role.key });
  recordActivity(op, { verb: "added", targetType: "membership", targetId: membership.id, summary: `added ${user.email} as ${role.key}` });
  await op.em.flush();
  return { membership, user, role };
}
