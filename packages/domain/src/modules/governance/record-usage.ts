import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { addToUsageCounter } from "./add-to-usage-counter.ts";
import type { UsageMetric } from "./consume-usage.ts";
import { UsagePolicy } from "./entities.ts";
import { usagePoliciesOn } from "./usage-policies.ts";
import { USAGE_WINDOWS, windowResetsAt, windowStart } from "./usage-window.ts";

// Only the transaction that flips limit_reached_at from null announces the window's crossing.
const CLAIM_CROSSING = `update usage_counters set limit_reached_at = now()
  where workspace_id = ? and id = ? and limit_reached_at is null returning id`;
const COUNTER_VALUE = `select value::text as value from usage_counters
  where workspace_id = ? and metric = ? and "window" = ? and window_start = ?`;

export interface RecordedUsage {
  metric: string;
  window: UsagePolicy["window"];
  value: number;
  limit: number;
}

/**
 * Record usage already spent, which no policy can refuse any more (an agent run's tokens, known only
 * when the model has answered): add `amount` to the counter of every window that has a policy on the
 * metric, `block` or `notify`, even past the limit, and announce `usage.limit_reached` in the
 * transaction that crosses it (once per policy and window). Windows without a policy are left to the
 * metering consumer, so a workspace without policies takes no counter lock here. A `block` policy
 * governs such a metric by `assertUsageAvailable` before the next spend starts, so a spend may
 * overshoot the limit by its own amount, never more. Returns the windows counted.
 */
export async function recordUsage(
  op: Operation,
  input: { metric: UsageMetric; amount: number; at?: Date; /** Also count windows without a policy here (a path no event meters). */ everyWindow?: boolean },
): Promise<RecordedUsage[]> {
  if (!Number.isSafeInteger(input.amount) || input.amount < 0) throw AppError.badRequest("amount must be a non-negative integer", [{ path: "amount", message: "non-negative integer" }]);
  if (input.amount === 0) return [];
  const at = input.at ?? new Date();
  const policies = await op.em.find(UsagePolicy, { metric: input.metric }, { orderBy: { window: "asc" } });
  const recorded: RecordedUsage[] = [];
  for (const policy of policies) {
    const start = windowStart(policy.window, at);
    const counter = await addToUsageCounter(op, { metric: policy.metric, window: policy.window, windowStart: start, amount: input.amount });
    if (counter.value >= policy.limitValue) {
      const claimed = await op.em.execute<{ id: string }[]>(CLAIM_CROSSING, [op.workspaceId, counter.id]);
      if (claimed.length > 0) {
        op.emit("usage.limit_reached", { metric: policy.metric, limit: policy.limitValue, value: counter.value, window: policy.window, window_start: start.toISOString() });
      }
    }
    recorded.push({ metric: policy.metric, window: policy.window, value: counter.value, limit: policy.limitValue });
  }
  if (input.everyWindow) {
    for (const window of USAGE_WINDOWS) {
      if (policies.some((p) => p.window === window)) continue;
      await addToUsageCounter(op, { metric: input.metric, window, windowStart: windowStart(window, at), amount: input.amount });
    }
  }
  return recorded;
}

/**
 * Refuse a spend whose size is not known in advance (an agent run's tokens) while a `block` policy on
 * `metric` is already used up in its current window: USAGE_LIMIT_REACHED with metric, limit, window and
 * when the window resets. Reads the counters without locking them; `recordUsage` counts the spend afterwards.
 */
export async function assertUsageAvailable(op: Operation, input: { metric: UsageMetric; at?: Date }): Promise<void> {
  const at = input.at ?? new Date();
  const policies = await op.em.find(UsagePolicy, { metric: input.metric, action: "block" }, { orderBy: { window: "asc" } });
  for (const policy of policies) {
    const start = windowStart(policy.window, at);
    const rows = await op.em.execute<{ value: string }[]>(COUNTER_VALUE, [op.workspaceId, policy.metric, policy.window, start]);
    const value = Number(rows[0]?.value ?? 0);
    if (value >= policy.limitValue) {
      const resetsAt = windowResetsAt(policy.window, at);
      throw new AppError("USAGE_LIMIT_REACHED", `usage limit reached: ${policy.metric} ${policy.limitValue} per ${policy.window}`, {
        issues: [{ path: "usage", message: `${policy.metric} limit ${policy.limitValue} per ${policy.window} reached (${value} used); resets at ${resetsAt.toISOString()}` }],
        details: { metric: policy.metric, limit: policy.limitValue, window: policy.window, resetsAt: resetsAt.toISOString() },
      });
    }
  }
}

/** Whether the operation's workspace has any usage policy on `metric` (the API caches the answer briefly). */
export async function hasUsagePolicy(op: Operation, metric: UsageMetric): Promise<boolean> {
  return (await usagePoliciesOn(op, metric)).length > 0;
}
