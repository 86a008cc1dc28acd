import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { newId } from "../../shared/ids.ts";
import { addToUsageCounter } from "./add-to-usage-counter.ts";
import type { UsagePolicy } from "./entities.ts";
import { usagePoliciesOn, type UsagePolicyRule } from "./usage-policies.ts";
import { windowResetsAt, windowStart } from "./usage-window.ts";

/** Metrics the write path consumes. */
export const USAGE_METRICS = ["projects", "items", "documents", "agent_runs", "agent_tokens", "agent_tool_calls", "document_bytes", "api_calls"] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

export interface ConsumedUsage {
  metric: string;
  window: UsagePolicy["window"];
  value: number;
  limit: number;
  resetsAt: Date;
}

// Atomic conditional upsert: the increment happens only if it keeps the counter within the limit.
// Concurrent transactions serialise on the counter row; ON CONFLICT re-checks the WHERE against
// the latest committed value, so no two of them can both take the last unit.
const CONSUME_BLOCKING = `insert into usage_counters (id, workspace_id, metric, "window", window_start, value)
  select ?, ?, ?, ?, ?, ? where ? <= ?
  on conflict (workspace_id, metric, "window", window_start)
  do update set value = usage_counters.value + excluded.value, updated_at = now()
  where usage_counters.value + excluded.value <= ?
  returning id, value::text as value`;
// Only the transaction that flips limit_reached_at from null announces the window's crossing.
const CLAIM_CROSSING = `update usage_counters set limit_reached_at = now()
  where workspace_id = ? and id = ? and limit_reached_at is null returning id`;

function limitReached(policy: UsagePolicyRule, resetsAt: Date): AppError {
  return new AppError("USAGE_LIMIT_REACHED", `usage limit reached: ${policy.metric} ${policy.limitValue} per ${policy.window}`, {
    issues: [{ path: "usage", message: `${policy.metric} limit ${policy.limitValue} per ${policy.window} reached; resets at ${resetsAt.toISOString()}` }],
    details: { metric: policy.metric, limit: policy.limitValue, window: policy.window, resetsAt: resetsAt.toISOString() },
  });
}

/**
 * The one entry point of usage enforcement: call it inside the transaction of the work that consumes
 * `amount` of `metric`. Only windows with a policy on the metric are counted here (a workspace with no
 * policy takes no counter lock; the reconciler counts the rest from events). A `block` policy that the
 * amount would exceed throws USAGE_LIMIT_REACHED (metric, limit, window, resetsAt) and, because it
 * throws, the whole operation writes nothing; a `notify` policy lets it through. The transaction that
 * reaches a limit announces usage.limit_reached, once per (policy, window).
 */
export async function consumeUsage(op: Operation, input: { metric: UsageMetric; amount?: number; at?: Date }): Promise<ConsumedUsage[]> {
  const amount = input.amount ?? 1;
  if (!Number.isSafeInteger(amount) || amount < 0) throw AppError.badRequest("amount must be a non-negative integer", [{ path: "amount", message: "non-negative integer" }]);
  if (amount === 0) return [];
  const policies = await usagePoliciesOn(op, input.metric);
  const at = input.at ?? new Date();
  const consumed: ConsumedUsage[] = [];
  for (const policy of policies) {
    const start = windowStart(policy.window, at);
    const resetsAt = windowResetsAt(policy.window, at);
    const base = [newId(), op.workspaceId, policy.metric, policy.window, start, amount];
    const blocking = policy.action === "block";
    const counter = blocking
      ? (await op.em.execute<{ id: string; value: string }[]>(CONSUME_BLOCKING, [...base, amount, policy.limitValue, policy.limitValue]))[0]
      : await addToUsageCounter(op, { metric: policy.metric, window: policy.window, windowStart: start, amount });
    if (!counter) throw limitReached(policy, resetsAt);
    const value = Number(counter.value);
    if (value >= policy.limitValue) {
      const claimed = await op.em.execute<{ id: string }[]>(CLAIM_CROSSING, [op.workspaceId, counter.id]);
      if (claimed.length > 0) {
        op.emit("usage.limit_reached", { metric: policy.metric, limit: policy.limitValue, value, window: policy.window, window_start: start.toISOString() });
      }
    }
    consumed.push({ metric: policy.metric, window: policy.window, value, limit: policy.limitValue, resetsAt });
  }
  return consumed;
}
