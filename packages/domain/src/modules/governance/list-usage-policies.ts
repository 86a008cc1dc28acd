import type { Operation } from "../../operation/operation.ts";
import { UsagePolicy } from "./entities.ts";

/** Every usage policy of the workspace, by metric then window. */
export async function listUsagePolicies(op: Operation): Promise<UsagePolicy[]> {
  return op.em.find(UsagePolicy, {}, { orderBy: { metric: "asc", window: "asc" } });
}
