import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { Role } from "./entities.ts";

/** A role of the operation's workspace by key; names the input field when missing. */
export async function findRoleByKey(op: Operation, key: string, field = "roleKey"): Promise<Role> {
  const role = await op.em.findOne(Role, { key });
  if (!role) throw new AppError("NOT_FOUND", `role "${key}" not found`, { issues: [{ path: field, message: `no role "${key}" in this workspace` }] });
  return role;
}
