import type { Operation } from "../../operation/operation.ts";
import { Role, User, WorkspaceMembership } from "./entities.ts";

export interface MemberView {
  membership: WorkspaceMembership;
  user: User;
  role: Role;
}

/** Every member of the operation's workspace with their user and role. */
export async function listMembers(op: Operation): Promise<MemberView[]> {
  const memberships = await op.em.find(WorkspaceMembership, {}, { orderBy: { id: "asc" } });
  if (memberships.length === 0) return [];
  const users = await op.em.find(User, { id: { $in: memberships.map((m) => m.userId) } });
  const roles = await op.em.find(Role, {});
  const userById = new Map(users.map((u) => [u.id, u]));
  const roleById = new Map(roles.map((r) => [r.id, r]));
  return memberships.flatMap((membership) => {
    const user = userById.get(membership.userId);
    const role = roleById.get(membership.roleId);
    return user && role ? [{ membership, user, role }] : [];
  });
}
