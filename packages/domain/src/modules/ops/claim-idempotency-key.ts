import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { newId } from "../../shared/ids.ts";

export interface IdempotencyKeyClaim {
  userId: string;
  key: string;
  /** The procedure and the hash of its input: the same key with another request is a conflict. */
  procedure: string;
  requestHash: string;
  ttlSeconds: number;
}

export type IdempotencyKeyClaimed =
  /** The key is this operation's now: run the work and `storeIdempotentResponse` in the same transaction. */
  | { status: "claimed"; id: string }
  /** The same request committed before, within the TTL: its stored response. */
  | { status: "replay"; response: unknown };

interface StoredKey {
  id: string;
  procedure: string;
  request_hash: string;
  response: unknown;
  expired: boolean;
}

/**
 * Claim a (user, key) pair in the operation's transaction. The row commits with the work, so a failed
 * call leaves no key behind; a concurrent duplicate waits on the row, then sees the committed response.
 * An expired key is taken over; a live key of another request is CONFLICT.
 */
export async function claimIdempotencyKey(op: Operation, claim: IdempotencyKeyClaim): Promise<IdempotencyKeyClaimed> {
  const claimed = await op.em.execute<{ id: string }[]>(
    `insert into idempotency_keys (id, user_id, key, procedure, request_hash, expires_at)
     values (?, ?, ?, ?, ?, now() + ? * interval '1 second') on conflict (user_id, key) do nothing returning id`,
    [newId(), claim.userId, claim.key, claim.procedure, claim.requestHash, claim.ttlSeconds],
  );
  const id = claimed[0]?.id;
  if (id) return { status: "claimed", id };
  const [stored] = await op.em.execute<StoredKey[]>(
    `select id, procedure, request_hash, response, expires_at <= now() as expired
     from idempotency_keys where user_id = ? and key = ? for update`,
    [claim.userId, claim.key],
  );
  if (!stored) throw new AppError("INTERNAL", "idempotency key vanished while claiming it");
  if (stored.expired) {
    await op.em.execute(
      `update idempotency_keys set procedure = ?, request_hash = ?, response = null, created_at = now(),
       expires_at = now() + ? * interval '1 second' where id = ?`,
      [claim.procedure, claim.requestHash, claim.ttlSeconds, stored.id],
    );
    return { status: "claimed", id: stored.id };
  }
  if (stored.procedure !== claim.procedure || stored.request_hash !== claim.requestHash) {
    throw AppError.conflict("this Idempotency-Key was already used for a different request", [
      { path: "idempotency-key", message: "already used with a different procedure or input" },
    ]);
  }
  return { status: "replay", response: stored.response };
}
