import type { Tx } from "./tx-runner.ts";

export const JOB_RUN_STATUSES = ["running", "succeeded", "failed", "dead"] as const;
export type JobRunStatus = (typeof JOB_RUN_STATUSES)[number];

export interface JobRunKey {
  handler: string;
  operationKey: string;
}

export interface JobRunStart extends JobRunKey {
  workspaceId: string | null;
  eventId: string | null;
  eventType: string | null;
  attempt: number;
}

/**
 * Create or lock the operation's `job_runs` row inside the handler's transaction. A concurrent
 * delivery of the same operation waits here until the first one commits or rolls back.
 * Returns whether the operation already succeeded.
 */
export async function claimJobRun(tx: Tx, run: JobRunStart): Promise<{ alreadySucceeded: boolean }> {
  await tx.query(
    `insert into job_runs (id, workspace_id, handler, operation_key, event_id, event_type, status, attempts, started_at)
     values (gen_random_uuid(), $1, $2, $3, $4, $5, 'running', $6, now())
     on conflict (handler, operation_key) do nothing`,
    [run.workspaceId, run.handler, run.operationKey, run.eventId, run.eventType, run.attempt],
  );
  const { rows } = await tx.query<{ status: JobRunStatus }>(
    "select status from job_runs where handler = $1 and operation_key = $2 for update",
    [run.handler, run.operationKey],
  );
  return { alreadySucceeded: rows[0]?.status === "succeeded" };
}

/** Mark the operation succeeded, in the same transaction as its effects. */
export async function completeJobRun(tx: Tx, key: JobRunKey, attempt: number, durationMs: number): Promise<void> {
  await tx.query(
    `update job_runs set status = 'succeeded', attempts = $3, last_error = null, finished_at = now(), duration_ms = $4
     where handler = $1 and operation_key = $2`,
    [key.handler, key.operationKey, attempt, durationMs],
  );
}

/** Record a failed attempt (its effects rolled back) in a transaction of its own; never downgrades a success. */
export async function recordJobFailure(
  tx: Tx,
  run: JobRunStart & { status: "failed" | "dead"; error: string; durationMs: number },
): Promise<void> {
  await tx.query(
    `insert into job_runs (id, workspace_id, handler, operation_key, event_id, event_type, status, attempts, last_error,
                           started_at, finished_at, duration_ms)
     values (gen_random_uuid(), (select id from workspaces where id = $1), $2, $3, $4, $5, $6, $7, $8,
             now() - make_interval(secs => $9::double precision / 1000), now(), $9)
     on conflict (handler, operation_key) do update
       set status = excluded.status, attempts = excluded.attempts, last_error = excluded.last_error,
           finished_at = excluded.finished_at, duration_ms = excluded.duration_ms
       where job_runs.status <> 'succeeded'`,
    [run.workspaceId, run.handler, run.operationKey, run.eventId, run.eventType, run.status, run.attempt,
      run.error.slice(0, 4000), run.durationMs],
  );
}
