import { AppError } from "../../errors/app-error.ts";
import type { WorkspaceAccess } from "./authorize-member.ts";
import type { Role, WorkspaceMembership } from "./entities.ts";
import type { TPermission } from "./permissions.ts";

/**
 * Role rules for non-owners (owners may do anything, subject to the last-owner rule):
 * - only owners grant, change or remove the owner role;
 * - a non-owner may only assign, change to, or remove a member holding a role whose permissions
 *   are a subset of its own (no escalation through membership changes).
 */
export function assertCanAssignRole(access: WorkspaceAccess, ...touched: Role[]): void {
  if (access.role.key === "owner") return;
  if (touched.some((r) => r.key === "owner")) throw AppError.forbidden("only an owner can grant, change or remove the owner role");
  for (const role of touched) {
    const missing = permissionsNotHeld(access, role.permissions);
    if (missing.length > 0) {
      throw AppError.forbidden(`role "${role.key}" has permissions your role "${access.role.key}" lacks: ${missing.join(", ")}`);
    }
  }
}

/** A non-owner may not change its own membership's role. */
export function assertNotOwnMembership(access: WorkspaceAccess, membership: WorkspaceMembership): void {
  if (access.role.key === "owner") return;
  if (membership.id === access.membership.id) throw AppError.forbidden("you cannot change your own role");
}

/** A non-owner may only grant permissions it holds and may not edit the role it holds itself. */
export function assertCanGrantPermissions(access: WorkspaceAccess, granted: readonly TPermission[], editedRole?: Role): void {
  if (access.role.key === "owner") return;
  if (editedRole && editedRole.id === access.role.id) throw AppError.forbidden("you cannot edit the role you hold");
  const missing = permissionsNotHeld(access, granted);
  if (missing.length > 0) {
    throw new AppError("FORBIDDEN", `you can only grant permissions your role holds; not held: ${missing.join(", ")}`, {
      issues: [{ path: "permissions", message: `not held by your role: ${missing.join(", ")}` }],
    });
  }
}

function permissionsNotHeld(access: WorkspaceAccess, permissions: readonly string[]): string[] {
  const held = new Set<string>(access.role.permissions);
  return [...new Set(permissions)].filter((p) => !held.has(p));
}
