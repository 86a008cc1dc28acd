import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { addToUsageCounter } from "./add-to-usage-counter.ts";
import { UsagePolicy, type UsageWindow } from "./entities.ts";
import { USAGE_WINDOWS, windowStart } from "./usage-window.ts";

export interface UsageWindowState {
  window: UsageWindow;
  windowStart: Date;
  value: number;
  limit: number | null;
  /** The counter is at or past its policy limit in this window. */
  limitReached: boolean;
}

// Claims the window's crossing: only the transaction that flips limit_reached_at from null emits.
const CLAIM_CROSSING = `update usage_counters set limit_reached_at = now()
  where workspace_id = ? and id = ? and limit_reached_at is null returning id`;

/**
 * Count `amount` of `metric` in every window. When a window's policy limit is reached, the one
 * increment that crosses it announces usage.limit_reached, exactly once per window. Counters are
 * not privileged writes (no audit row); their native writes never pass through the unit of work.
 */
export async function incrementUsage(op: Operation, input: { metric: string; amount?: number; at?: Date }): Promise<UsageWindowState[]> {
  const amount = input.amount ?? 1;
  if (!Number.isSafeInteger(amount) || amount <= 0) throw AppError.badRequest("amount must be a positive integer", [{ path: "amount", message: "positive integer" }]);
  const at = input.at ?? new Date();
  const workspaceId = op.workspaceId;
  const policies = await op.em.find(UsagePolicy, { metric: input.metric });
  const states: UsageWindowState[] = [];
  for (const window of USAGE_WINDOWS) {
    const start = windowStart(window, at);
    const counter = await addToUsageCounter(op, { metric: input.metric, window, windowStart: start, amount });
    const value = counter.value;
    const policy = policies.find((p) => p.window === window);
    const limitReached = policy !== undefined && value >= policy.limitValue;
    if (policy && limitReached) {
      const claimed = await op.em.execute<{ id: string }[]>(CLAIM_CROSSING, [workspaceId, counter.id]);
      if (claimed.length > 0) {
        op.emit("usage.limit_reached", { metric: input.metric, limit: policy.limitValue, value, window, window_start: start.toISOString() });
      }
    }
    states.push({ window, windowStart: start, value, limit: policy?.limitValue ?? null, limitReached });
  }
  return states;
}
