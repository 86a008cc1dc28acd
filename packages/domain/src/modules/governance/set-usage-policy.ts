import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { newId } from "../../shared/ids.ts";
import { UsagePolicy, type UsagePolicyAction, type UsageWindow } from "./entities.ts";
import { forgetUsagePolicies } from "./usage-policies.ts";

export type { UsagePolicyAction };
export interface SetUsagePolicyInput {
  metric: string;
  window: UsageWindow;
  limit: number;
  action?: UsagePolicyAction;
}

/** Create or change the workspace's own limit for a metric in a window (audited; announces usage_policy.set when it changed). */
export async function setUsagePolicy(op: Operation, input: SetUsagePolicyInput): Promise<UsagePolicy> {
  if (!Number.isSafeInteger(input.limit) || input.limit < 0) {
    throw AppError.badRequest("limit must be a non-negative integer", [{ path: "limit", message: "non-negative integer" }]);
  }
  const action = input.action ?? "block";
  let policy = await op.em.findOne(UsagePolicy, { metric: input.metric, window: input.window });
  const changed = !policy || policy.limitValue !== input.limit || policy.action !== action;
  if (!policy) {
    policy = op.em.create(UsagePolicy, { id: newId(), workspaceId: op.workspaceId, metric: input.metric, window: input.window, limitValue: input.limit, action });
  } else {
    policy.limitValue = input.limit;
    policy.action = action;
    // Setting a limit makes it the workspace's own: a plan change no longer replaces it.
    policy.source = "workspace";
  }
  await op.em.flush();
  forgetUsagePolicies(op);
  if (changed) {
    op.emit("usage_policy.set", { policy_id: policy.id, metric: policy.metric, window: policy.window, limit: policy.limitValue, action });
  }
  return policy;
}
