import type { Operation } from "../../operation/operation.ts";
import type { JobRunFailure } from "./job-run.ts";

/**
 * Record a failed attempt (its effects rolled back) in a system operation of its own; never downgrades
 * a success. The workspace is kept only if it still exists.
 */
export async function recordJobFailure(op: Operation, run: JobRunFailure): Promise<void> {
  await op.em.execute(
    `insert into job_runs (id, workspace_id, handler, operation_key, event_id, event_type, status, attempts, last_error,
                           started_at, finished_at, duration_ms)
     values (gen_random_uuid(), (select id from workspaces where id = ?), ?, ?, ?, ?, ?, ?, ?,
             now() - make_interval(secs => ?::double precision / 1000), now(), ?)
     on conflict (handler, operation_key) do update
       set status = excluded.status, attempts = excluded.attempts, last_error = excluded.last_error,
           finished_at = excluded.finished_at, duration_ms = excluded.duration_ms
       where job_runs.status <> 'succeeded'`,
    [run.workspaceId, run.handler, run.operationKey, run.eventId, run.eventType, run.status, run.attempt,
      run.error.slice(0, 4000), run.durationMs, run.durationMs],
  );
}
