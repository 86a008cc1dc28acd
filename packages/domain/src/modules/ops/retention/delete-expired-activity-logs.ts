import type { Tx } from "../../../reads/pg-tx-runner.ts";
import { CUTOFF, deleteInChunks } from "./delete-expired-rows.ts";

/** Retention of `activity_logs` (the feed; debug, medium): entries that occurred longer ago than `olderThanMs` (system role). */
export function deleteExpiredActivityLogs(q: Tx, options: { olderThanMs: number; chunk?: number }): Promise<number> {
  return deleteInChunks(q, "activity_logs", `select id from activity_logs where occurred_at < ${CUTOFF} limit $2`, options.olderThanMs, options.chunk);
}
