import { AppError } from "../../errors/app-error.ts";
import type { Role } from "./entities.ts";

/** Only owners may grant the owner role or change an owner's membership. */
export function assertCanAssignRole(actorRole: Role, ...touched: Role[]): void {
  if (actorRole.key === "owner") return;
  if (touched.some((r) => r.key === "owner")) throw AppError.forbidden("only an owner can grant, change or remove the owner role");
}
