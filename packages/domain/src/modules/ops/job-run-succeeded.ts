import type { Operation } from "../../operation/operation.ts";
import type { JobRunKey } from "./job-run.ts";

/**
 * Whether the operation already succeeded (a plain read, no lock): a redelivery checks this before running
 * its effects again. `recordJobSuccess` stays the guarantee; this only spares a finished operation's work.
 */
export async function jobRunSucceeded(op: Operation, key: JobRunKey): Promise<boolean> {
  const rows = await op.em.execute<{ ok: number }[]>(
    "select 1 as ok from job_runs where handler = ? and operation_key = ? and status = 'succeeded'",
    [key.handler, key.operationKey],
  );
  return rows.length > 0;
}
