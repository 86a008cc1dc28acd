import type { Operation } from "../../operation/operation.ts";
import type { DeadLetterRow } from "./dead-letter.ts";

export interface DeadLetterFilter {
  handler?: string;
  status?: "dead" | "replayed";
  limit?: number;
}

/** Dead letters, newest first (system operation). */
export async function listDeadLetters(op: Operation, filter: DeadLetterFilter = {}): Promise<DeadLetterRow[]> {
  return op.em.execute<DeadLetterRow[]>(
    `select * from dead_letter_jobs where (?::text is null or handler = ?) and (?::text is null or status = ?)
     order by created_at desc limit ?`,
    [filter.handler ?? null, filter.handler ?? null, filter.status ?? null, filter.status ?? null, filter.limit ?? 100],
  );
}
