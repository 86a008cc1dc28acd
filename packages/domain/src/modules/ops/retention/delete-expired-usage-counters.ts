import type { Tx } from "../../../reads/pg-tx-runner.ts";
import { CUTOFF, deleteInChunks } from "./delete-expired-rows.ts";

/**
 * Retention of `usage_counters` (aggregates, kept longer): counters whose window (a day or a month)
 * ended longer ago than `olderThanMs` (system role). The current windows, which limits are checked
 * against, are never touched; a window of another length is never deleted.
 */
export function deleteExpiredUsageCounters(q: Tx, options: { olderThanMs: number; chunk?: number }): Promise<number> {
  return deleteInChunks(
    q, "usage_counters",
    `select id from usage_counters
      where window_start < ${CUTOFF}
        and window_start + case "window" when 'day' then interval '1 day' when 'month' then interval '1 month' end < ${CUTOFF}
      limit $2`,
    options.olderThanMs, options.chunk,
  );
}
