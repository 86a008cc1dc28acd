import type { Operation } from "../../operation/operation.ts";
import { recordActivity } from "../product/record-activity.ts";
import { assertCanAssignRole } from "./assert-can-assign-role.ts";
import { assertOwnerRemains } from "./assert-owner-remains.ts";
import type { WorkspaceAccess } from "./authorize-member.ts";
import { findMembership } from "./find-membership.ts";
import type { MemberView } from "./list-members.ts";

/** Remove a member (memberships are hard-deleted and audited); the last owner stays. */
export async function removeMember(op: Operation, access: WorkspaceAccess, membershipId: string): Promise<MemberView> {
  const current = await findMembership(op, membershipId);
  assertCanAssignRole(access, current.role);
  await assertOwnerRemains(op, current.membership);
  op.em.remove(current.membership);
  op.emit("membership.removed", { membership_id: current.membership.id, user_id: current.user.id });
  recordActivity(op, { verb: "removed", targetType: "membership", targetId: current.membership.id, summary: `removed ${current.user.email}` });
  await op.em.flush();
  return current;
}
