import type { Operation } from "../../operation/operation.ts";
import { newId } from "../../shared/ids.ts";
import type { UsageWindow } from "./entities.ts";
import { USAGE_WINDOWS, windowResetsAt } from "./usage-window.ts";

/**
 * Metrics whose true value can be recounted from the rows they count: creations (soft-deleted ones
 * included) by `created_at`, and agent tokens as the sum of `input_tokens + output_tokens` of the runs
 * that ended (`completed_at`) in the window, and agent tool calls as the `tool_calls` rows started in it. `document_bytes` (documents may be edited; only the bytes
 * created are metered) and `api_calls` (no row records a call) cannot be recounted and are not reconciled.
 */
export const RECONCILABLE_METRICS = {
  projects: { table: "projects", at: "created_at", amount: "count(*)" },
  items: { table: "items", at: "created_at", amount: "count(*)" },
  documents: { table: "documents", at: "created_at", amount: "count(*)" },
  agent_runs: { table: "agent_runs", at: "created_at", amount: "count(*)" },
  agent_tokens: { table: "agent_runs", at: "completed_at", amount: "coalesce(sum(input_tokens + output_tokens), 0)" },
  agent_tool_calls: { table: "tool_calls", at: "started_at", amount: "count(*)" },
} as const;
export type ReconcilableMetric = keyof typeof RECONCILABLE_METRICS;

export interface UsageDrift {
  metric: ReconcilableMetric;
  window: UsageWindow;
  windowStart: Date;
  /** What the counter says (0 when there is no counter row). */
  counted: number;
  /** What the rows say. */
  actual: number;
  /** Repaired now; false for a window still open or too recent to settle (events may still be on their way). */
  repaired: boolean;
}

export interface ReconcileUsageInput {
  /** Only windows starting at or after this instant. */
  since: Date;
  /** Windows that ended before this instant are settled: every event of theirs has been metered, so they may be repaired. */
  settledBefore: Date;
  repair: boolean;
}

const key = (metric: string, window: string, start: Date) => `${metric}|${window}|${start.toISOString()}`;

/**
 * Prove the usage counters of the operation's workspace equal the rows they count, window by
 * window, and optionally repair settled windows by setting the counter to the recount. Idempotent:
 * a second run finds no drift in repaired windows. Counters of open windows are reported, never
 * repaired, because the metering consumer may still be counting their events. Needs a workspace
 * scope (run as the system role by the operator CLI; every statement filters by the workspace).
 */
export async function reconcileUsage(op: Operation, input: ReconcileUsageInput): Promise<UsageDrift[]> {
  const workspaceId = op.workspaceId;
  const counters = await op.em.execute<{ metric: string; window: UsageWindow; window_start: Date; value: string }[]>(
    `select metric, "window", window_start, value::text as value from usage_counters
      where workspace_id = ? and metric in (?) and window_start >= ?`,
    [workspaceId, Object.keys(RECONCILABLE_METRICS), input.since],
  );
  const counted = new Map(counters.map((c) => [key(c.metric, c.window, new Date(c.window_start)), Number(c.value)]));
  const drifts: UsageDrift[] = [];
  for (const [metric, spec] of Object.entries(RECONCILABLE_METRICS) as [ReconcilableMetric, (typeof RECONCILABLE_METRICS)[ReconcilableMetric]][]) {
    const { table, at, amount } = spec;
    for (const window of USAGE_WINDOWS) {
      const rows = await op.em.execute<{ window_start: Date; n: string }[]>(
        `select (date_trunc(?, ${at} at time zone 'UTC')) at time zone 'UTC' as window_start, (${amount})::text as n
           from ${table} where workspace_id = ? and ${at} is not null
           group by 1 having (date_trunc(?, ${at} at time zone 'UTC')) at time zone 'UTC' >= ?`,
        [window, workspaceId, window, input.since],
      );
      const actual = new Map(rows.filter((r) => Number(r.n) > 0).map((r) => [new Date(r.window_start).toISOString(), Number(r.n)]));
      const starts = new Set([...actual.keys(), ...counters.filter((c) => c.metric === metric && c.window === window).map((c) => new Date(c.window_start).toISOString())]);
      for (const startIso of [...starts].sort()) {
        const windowStart = new Date(startIso);
        const have = counted.get(key(metric, window, windowStart)) ?? 0;
        const want = actual.get(startIso) ?? 0;
        if (have === want) continue;
        const settled = windowResetsAt(window, windowStart) <= input.settledBefore;
        if (settled && input.repair) {
          await op.em.execute(
            `insert into usage_counters (id, workspace_id, metric, "window", window_start, value) values (?, ?, ?, ?, ?, ?)
             on conflict (workspace_id, metric, "window", window_start) do update set value = excluded.value, updated_at = now()`,
            [newId(), workspaceId, metric, window, windowStart, want],
          );
        }
        drifts.push({ metric, window, windowStart, counted: have, actual: want, repaired: settled && input.repair });
      }
    }
  }
  return drifts;
}
