import { AppError, newId, type Operation } from "@spine/domain";
import type { IdempotencyRequest } from "./idempotency-key.ts";

interface StoredKey {
  id: string;
  procedure: string;
  request_hash: string;
  response: unknown;
  expired: boolean;
}

/**
 * Run `fn` at most once per (user, key) within the TTL. The key row is written in the same
 * transaction as the effect, so a failed call leaves no key behind and a concurrent duplicate
 * waits on the row, then replays the committed result.
 */
export async function runIdempotent<T>(
  op: Operation,
  userId: string,
  request: IdempotencyRequest,
  ttlSeconds: number,
  fn: () => Promise<T>,
): Promise<T> {
  const claimed = await op.em.execute<{ id: string }[]>(
    `insert into idempotency_keys (id, user_id, key, procedure, request_hash, expires_at)
     values (?, ?, ?, ?, ?, now() + ? * interval '1 second') on conflict (user_id, key) do nothing returning id`,
    [newId(), userId, request.key, request.procedure, request.requestHash, ttlSeconds],
  );
  let id = claimed[0]?.id;
  if (!id) {
    const [stored] = await op.em.execute<StoredKey[]>(
      `select id, procedure, request_hash, response, expires_at <= now() as expired
       from idempotency_keys where user_id = ? and key = ? for update`,
      [userId, request.key],
    );
    if (!stored) throw new AppError("INTERNAL", "idempotency key vanished while claiming it");
    if (stored.expired) {
      await op.em.execute(
        `update idempotency_keys set procedure = ?, request_hash = ?, response = null, created_at = now(),
         expires_at = now() + ? * interval '1 second' where id = ?`,
        [request.procedure, request.requestHash, ttlSeconds, stored.id],
      );
      id = stored.id;
    } else if (stored.procedure !== request.procedure || stored.request_hash !== request.requestHash) {
      throw AppError.conflict("this Idempotency-Key was already used for a different request", [
        { path: "idempotency-key", message: "already used with a different procedure or input" },
      ]);
    } else {
      return stored.response as T;
    }
  }
  const result = await fn();
  await op.em.execute(`update idempotency_keys set response = ?::jsonb where id = ?`, [JSON.stringify(result ?? null), id]);
  return result;
}
