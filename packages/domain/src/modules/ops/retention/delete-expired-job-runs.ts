import type { Tx } from "../../../reads/pg-tx-runner.ts";
import { CUTOFF, deleteInChunks } from "./delete-expired-rows.ts";

/** Retention of `job_runs` (debug, short): runs started longer ago than `olderThanMs` (system role). */
export function deleteExpiredJobRuns(q: Tx, options: { olderThanMs: number; chunk?: number }): Promise<number> {
  return deleteInChunks(q, "job_runs", `select id from job_runs where started_at < ${CUTOFF} limit $2`, options.olderThanMs, options.chunk);
}
