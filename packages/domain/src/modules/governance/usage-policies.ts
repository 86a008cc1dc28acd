import type { Operation } from "../../operation/operation.ts";
import { UsagePolicy } from "./entities.ts";

const MEMO_KEY = "usage_policies";

/** What usage enforcement reads of a policy. */
export type UsagePolicyRule = Pick<UsagePolicy, "metric" | "window" | "limitValue" | "action">;

/**
 * The workspace's usage policies on `metric`, ordered by window: from the authorization statement
 * when it read them in this operation (`rememberUsagePolicies`), otherwise one query.
 */
export async function usagePoliciesOn(op: Operation, metric: string): Promise<UsagePolicyRule[]> {
  const known = op.memo.get(MEMO_KEY) as UsagePolicyRule[] | undefined;
  if (known) return known.filter((policy) => policy.metric === metric);
  return op.em.find(UsagePolicy, { metric }, { orderBy: { window: "asc" } });
}

/** Keep every policy of the workspace, ordered by window, for the rest of the operation. */
export function rememberUsagePolicies(op: Operation, policies: readonly UsagePolicyRule[]): void {
  op.memo.set(MEMO_KEY, policies);
}

/** The workspace's policies changed in this operation: read them again next time. */
export function forgetUsagePolicies(op: Operation): void {
  op.memo.delete(MEMO_KEY);
}
