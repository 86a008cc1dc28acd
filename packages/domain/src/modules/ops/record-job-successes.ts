import type { Operation } from "../../operation/operation.ts";
import type { JobRunStart } from "./job-run.ts";

/**
 * `recordJobSuccess` for a batch of operations applied in one transaction (a batching consumer): one
 * statement after all their effects. Returns how many rows were inserted or turned into a success; fewer
 * than `runs.length` means some operation had already succeeded, and the caller must roll the batch back.
 */
export async function recordJobSuccesses(op: Operation, runs: readonly JobRunStart[], durationMs: number): Promise<number> {
  if (runs.length === 0) return 0;
  const rows = runs.map(() => "(gen_random_uuid(), ?::uuid, ?, ?, ?::uuid, ?, 'succeeded', ?::int, now(), clock_timestamp(), ?::int)").join(",\n            ");
  const params = runs.flatMap((run) => [run.workspaceId, run.handler, run.operationKey, run.eventId, run.eventType, run.attempt, durationMs]);
  const applied = await op.em.execute<{ applied: number }[]>(
    `insert into job_runs (id, workspace_id, handler, operation_key, event_id, event_type, status, attempts, started_at, finished_at, duration_ms)
     values ${rows}
     on conflict (handler, operation_key) do update
       set status = 'succeeded', attempts = excluded.attempts, last_error = null, finished_at = excluded.finished_at,
           duration_ms = excluded.duration_ms
       where job_runs.status <> 'succeeded'
     returning 1 as applied`,
    params,
  );
  return applied.length;
}
