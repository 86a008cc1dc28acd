import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { Role, User, WorkspaceMembership } from "./entities.ts";
import type { MemberView } from "./list-members.ts";

/** A membership of the operation's workspace with its user and role. */
export async function findMembership(op: Operation, membershipId: string): Promise<MemberView> {
  const membership = await op.em.findOne(WorkspaceMembership, { id: membershipId });
  if (!membership) throw AppError.notFound("membership", membershipId);
  const [user, role] = await Promise.all([
    op.em.findOneOrFail(User, { id: membership.userId }),
    op.em.findOneOrFail(Role, { id: membership.roleId }),
  ]);
  return { membership, user, role };
}
