import type { Operation } from "../../operation/operation.ts";
import { addToUsageCounter } from "./add-to-usage-counter.ts";
import { UsagePolicy } from "./entities.ts";
import { USAGE_WINDOWS, windowStart } from "./usage-window.ts";

/**
 * Count `amount` (default one unit) of `metric` at `at` (an event's `occurred_at`) in every window that has no usage policy
 * on the metric. Windows with a policy were counted, limited and announced by the write itself
 * (`consumeUsage`, in the write's transaction), so a workspace without policies takes no counter lock
 * on its write path and none is counted twice. Run in the consumer's operation, so the counters commit
 * with its `job_runs` row. Returns the windows counted.
 */
export async function meterUsageEvent(op: Operation, input: { metric: string; at: Date; amount?: number }): Promise<string[]> {
  const amount = input.amount ?? 1;
  if (amount === 0) return [];
  const policies = await op.em.find(UsagePolicy, { metric: input.metric });
  const counted: string[] = [];
  for (const window of USAGE_WINDOWS) {
    if (policies.some((p) => p.window === window)) continue;
    await addToUsageCounter(op, { metric: input.metric, window, windowStart: windowStart(window, input.at), amount });
    counted.push(window);
  }
  return counted;
}
