import type { Operation } from "../../operation/operation.ts";
import { recordActivity } from "../product/record-activity.ts";
import { assertCanAssignRole, assertNotOwnMembership } from "./assert-can-assign-role.ts";
import { assertOwnerRemains } from "./assert-owner-remains.ts";
import type { WorkspaceAccess } from "./authorize-member.ts";
import { findMembership } from "./find-membership.ts";
import { findRoleByKey } from "./find-role-by-key.ts";
import type { MemberView } from "./list-members.ts";

/** Give a member another role; the last owner keeps theirs. Non-owners: see assert-can-assign-role.ts. */
export async function changeMemberRole(op: Operation, access: WorkspaceAccess, input: { membershipId: string; roleKey: string }): Promise<MemberView> {
  const current = await findMembership(op, input.membershipId);
  const role = await findRoleByKey(op, input.roleKey);
  assertNotOwnMembership(access, current.membership);
  assertCanAssignRole(access, current.role, role);
  if (role.id === current.role.id) return current;
  await assertOwnerRemains(op, current.membership);
  current.membership.roleId = role.id;
  op.emit("membership.role_changed", { membership_id: current.membership.id, user_id: current.user.id, from_role: current.role.key, to_role: role.key });
  recordActivity(op, { verb: "role_changed", targetType: "membership", targetId: current.membership.id, summary: `changed ${current.user.email} from ${current.role.key} to ${role.key}` });
  await op.em.flush();
  return { ...current, role };
}
