import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { assertCanGrantPermissions } from "./assert-can-assign-role.ts";
import { assertGrantablePermissions } from "./assert-grantable-permissions.ts";
import type { WorkspaceAccess } from "./authorize-member.ts";
import { Role } from "./entities.ts";
import type { TPermission } from "./permissions.ts";

/**
 * Rename a custom role or replace its permissions; built-in roles are fixed. A non-owner may not
 * edit the role it holds and may only add permissions it holds.
 */
export async function updateRole(
  op: Operation,
  access: WorkspaceAccess,
  input: { roleId: string; name?: string | undefined; permissions?: TPermission[] | undefined },
): Promise<Role> {
  const role = await op.em.findOne(Role, { id: input.roleId });
  if (!role) throw AppError.notFound("role", input.roleId);
  if (role.builtIn) throw AppError.forbidden("built-in roles cannot be changed");
  const added = (input.permissions ?? []).filter((p) => !role.permissions.includes(p));
  assertCanGrantPermissions(access, added, role);
  if (input.permissions) {
    assertGrantablePermissions(input.permissions);
    role.permissions = [...new Set(input.permissions)];
  }
  if (input.name !== undefined) role.name = input.name;
  await op.em.flush();
  return role;
}
