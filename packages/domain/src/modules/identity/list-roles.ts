import type { Operation } from "../../operation/operation.ts";
import { Role } from "./entities.ts";

/** The workspace's roles, built-in first. */
export async function listRoles(op: Operation): Promise<Role[]> {
  return op.em.find(Role, {}, { orderBy: { builtIn: "desc", key: "asc" } });
}
