import type { Operation } from "../../operation/operation.ts";

/** Store the response of a claimed idempotency key (by its row id, or by user and key). */
export async function storeIdempotentResponse(
  op: Operation,
  target: { id: string } | { userId: string; key: string },
  response: unknown,
): Promise<void> {
  const json = JSON.stringify(response ?? null);
  if ("id" in target) {
    // Nothing reads it before the commit: it travels with the COMMIT (one round trip fewer per keyed mutation).
    await op.writeAtCommit(`update idempotency_keys set response = ?::jsonb where id = ?`, [json, target.id], "spine_store_idempotent_response");
    return;
  }
  await op.em.execute(`update idempotency_keys set response = ?::jsonb where user_id = ? and key = ?`, [json, target.userId, target.key]);
}
