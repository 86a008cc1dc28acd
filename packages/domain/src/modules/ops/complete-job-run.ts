import type { Operation } from "../../operation/operation.ts";
import type { JobRunKey } from "./job-run.ts";

/** Mark the operation succeeded, in the same transaction as its effects (see `claimJobRun`). */
export async function completeJobRun(op: Operation, key: JobRunKey, attempt: number, durationMs: number): Promise<void> {
  await op.em.execute(
    `update job_runs set status = 'succeeded', attempts = ?, last_error = null, finished_at = now(), duration_ms = ?
     where handler = ? and operation_key = ?`,
    [attempt, durationMs, key.handler, key.operationKey],
  );
}
