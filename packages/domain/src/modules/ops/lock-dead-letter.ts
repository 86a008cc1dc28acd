import type { Operation } from "../../operation/operation.ts";
import type { DeadLetterRow } from "./dead-letter.ts";

/**
 * Lock a dead letter for replay in the caller's system operation (`for update skip locked`): concurrent
 * replays of one dead letter take turns. Null when another replay holds it.
 */
export async function lockDeadLetter(op: Operation, id: string): Promise<DeadLetterRow | null> {
  const rows = await op.em.execute<DeadLetterRow[]>("select * from dead_letter_jobs where id = ? for update skip locked", [id]);
  return rows[0] ?? null;
}
