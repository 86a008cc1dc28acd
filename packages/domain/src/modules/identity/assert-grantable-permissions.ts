import { AppError } from "../../errors/app-error.ts";
import { OWNER_ONLY_PERMISSIONS, type TPermission } from "./permissions.ts";

/** A custom role may hold any permission except the owner-only ones. */
export function assertGrantablePermissions(permissions: readonly TPermission[]): void {
  const denied = permissions.filter((p) => OWNER_ONLY_PERMISSIONS.includes(p));
  if (denied.length > 0) {
    throw AppError.badRequest("owner-only permissions cannot be granted to a custom role", [
      { path: "permissions", message: `not grantable: ${denied.join(", ")}` },
    ]);
  }
}
