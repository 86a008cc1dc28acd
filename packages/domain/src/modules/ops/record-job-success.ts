import type { Operation } from "../../operation/operation.ts";
import type { JobRunStart } from "./job-run.ts";

/**
 * The last statement of a consumer operation, after its effects, in the same transaction: insert the
 * operation's `job_runs` row as succeeded (or turn an earlier failed or dead attempt's row into a success).
 * Returns false when the operation had already succeeded — a duplicate delivery, whose effects the caller
 * must roll back. A concurrent delivery of the same operation waits here on the unique key until the
 * first one commits (then it gets false) or rolls back (then it gets true).
 */
export async function recordJobSuccess(op: Operation, run: JobRunStart, durationMs: number): Promise<boolean> {
  // A named prepared statement: every consumer operation ends with it.
  const rows = await op.query<{ applied: number }>(
    `insert into job_runs (id, workspace_id, handler, operation_key, event_id, event_type, status, attempts, started_at, finished_at, duration_ms)
     values (gen_random_uuid(), ?, ?, ?, ?, ?, 'succeeded', ?, now(), clock_timestamp(), ?)
     on conflict (handler, operation_key) do update
       set status = 'succeeded', attempts = excluded.attempts, last_error = null, finished_at = excluded.finished_at,
           duration_ms = excluded.duration_ms
       where job_runs.status <> 'succeeded'
     returning 1 as applied`,
    [run.workspaceId, run.handler, run.operationKey, run.eventId, run.eventType, run.attempt, Math.round(durationMs)],
    "spine_record_job_success",
  );
  return rows.length > 0;
}
