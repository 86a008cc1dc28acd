import type { Operation } from "../../operation/operation.ts";
import type { JobRunStart, JobRunStatus } from "./job-run.ts";

/**
 * Create or lock the operation's `job_runs` row inside the consumer's transaction (the operation of the
 * event's workspace). A concurrent delivery of the same operation waits here until the first one commits
 * or rolls back. Returns whether the operation already succeeded.
 */
export async function claimJobRun(op: Operation, run: JobRunStart): Promise<{ alreadySucceeded: boolean }> {
  await op.em.execute(
    `insert into job_runs (id, workspace_id, handler, operation_key, event_id, event_type, status, attempts, started_at)
     values (gen_random_uuid(), ?, ?, ?, ?, ?, 'running', ?, now())
     on conflict (handler, operation_key) do nothing`,
    [run.workspaceId, run.handler, run.operationKey, run.eventId, run.eventType, run.attempt],
  );
  const rows = await op.em.execute<{ status: JobRunStatus }[]>(
    "select status from job_runs where handler = ? and operation_key = ? for update",
    [run.handler, run.operationKey],
  );
  return { alreadySucceeded: rows[0]?.status === "succeeded" };
}
