import type { Operation } from "../../operation/operation.ts";
import { UsageCounter, UsagePolicy } from "./entities.ts";
import type { UsageWindowState } from "./increment-usage.ts";
import { USAGE_WINDOWS, windowResetsAt, windowStart } from "./usage-window.ts";

export interface UsageCounterState extends UsageWindowState {
  metric: string;
  /** When the window ends and its counter starts again from zero (UTC). */
  resetsAt: Date;
}

/** The workspace's counters in the windows containing `at` (default now), with their policy limits. */
export async function listUsageCounters(op: Operation, query: { metric?: string | undefined; at?: Date } = {}): Promise<UsageCounterState[]> {
  const at = query.at ?? new Date();
  const metric = query.metric ? { metric: query.metric } : {};
  const policies = await op.em.find(UsagePolicy, metric);
  const states: UsageCounterState[] = [];
  for (const window of USAGE_WINDOWS) {
    const start = windowStart(window, at);
    const resetsAt = windowResetsAt(window, at);
    const counters = await op.em.find(UsageCounter, { ...metric, window, windowStart: start }, { orderBy: { metric: "asc" } });
    for (const c of counters) {
      const policy = policies.find((p) => p.metric === c.metric && p.window === window);
      const limit = policy?.limitValue ?? null;
      states.push({ metric: c.metric, window, windowStart: start, resetsAt, value: c.value, limit, limitReached: limit !== null && c.value >= limit });
    }
  }
  return states;
}
