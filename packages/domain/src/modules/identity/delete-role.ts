import { LockMode } from "@mikro-orm/postgresql";
import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { assertCanGrantPermissions } from "./assert-can-assign-role.ts";
import type { WorkspaceAccess } from "./authorize-member.ts";
import { Role, WorkspaceMembership } from "./entities.ts";
import type { TPermission } from "./permissions.ts";

/**
 * Delete a custom role. Built-in roles are fixed; a role some member still holds is refused
 * (PRECONDITION_FAILED, with the count) — move those members first. A non-owner may not delete the
 * role it holds, nor a role with permissions it lacks. The subscriber writes the `role.deleted`
 * audit row in the same transaction. The role row is locked, and memberships reference roles with a
 * deferred foreign key, so a member assigned the role concurrently makes one of the two fail.
 */
export async function deleteRole(op: Operation, access: WorkspaceAccess, input: { roleId: string }): Promise<{ roleId: string }> {
  const role = await op.em.findOne(Role, { id: input.roleId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!role) {
    throw new AppError("NOT_FOUND", `role ${input.roleId} not found`, { issues: [{ path: "roleId", message: "no such role in this workspace" }] });
  }
  if (role.builtIn) throw AppError.forbidden("built-in roles cannot be deleted");
  assertCanGrantPermissions(access, role.permissions as TPermission[], role);
  const holders = await op.em.count(WorkspaceMembership, { roleId: role.id });
  if (holders > 0) {
    const message = `role "${role.key}" is held by ${holders} member${holders === 1 ? "" : "s"}; change their role first`;
    throw new AppError("PRECONDITION_FAILED", message, { issues: [{ path: "roleId", message }], details: { members: holders } });
  }
  op.em.remove(role);
  await op.em.flush();
  return { roleId: role.id };
}
