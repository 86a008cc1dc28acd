import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { newId } from "../../shared/ids.ts";
import { assertCanGrantPermissions } from "./assert-can-assign-role.ts";
import { assertGrantablePermissions } from "./assert-grantable-permissions.ts";
import type { WorkspaceAccess } from "./authorize-member.ts";
import { Role } from "./entities.ts";
import type { TPermission } from "./permissions.ts";

export interface CreateRoleInput {
  key: string;
  name: string;
  permissions: TPermission[];
}

/** Define a custom role in the operation's workspace; a non-owner grants only permissions it holds. */
export async function createRole(op: Operation, access: WorkspaceAccess, input: CreateRoleInput): Promise<Role> {
  assertGrantablePermissions(input.permissions);
  assertCanGrantPermissions(access, input.permissions);
  const existing = await op.em.findOne(Role, { key: input.key });
  if (existing) throw AppError.conflict("role key taken", [{ path: "key", message: `role "${input.key}" exists` }]);
  const role = op.em.create(Role, { id: newId(), workspaceId: op.workspaceId, key: input.key, name: input.name, permissions: [...new Set(input.permissions)] });
  await op.em.flush();
  return role;
}
