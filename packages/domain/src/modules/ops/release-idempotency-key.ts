import type { Operation } from "../../operation/operation.ts";

/** Give a claimed idempotency key up (the work it guarded failed and spans several transactions). */
export async function releaseIdempotencyKey(op: Operation, userId: string, key: string): Promise<void> {
  await op.em.execute(`delete from idempotency_keys where user_id = ? and key = ?`, [userId, key]);
}
