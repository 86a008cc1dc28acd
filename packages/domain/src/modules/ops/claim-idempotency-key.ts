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

/** The claim itself: a row inserted unless the (user, key) pair has one; `returning id` says it is ours. */
export const CLAIM_IDEMPOTENCY_KEY = `insert into idempotency_keys (id, user_id, key, procedure, request_hash, expires_at)
  values (?, ?, ?, ?, ?, now() + ? * interval '1 second') on conflict (user_id, key) do nothing returning id`;

/** The parameters of `CLAIM_IDEMPOTENCY_KEY` for one claim. */
export function claimParams(claim: IdempotencyKeyClaim): unknown[] {
  return [newId(), claim.userId, claim.key, claim.procedure, claim.requestHash, claim.ttlSeconds];
}

/**
 * Claim a (user, key) pair in the operation's transaction. The row commits with the work, so a failed
 * call leaves no key behind; a concurrent duplicate waits on the row, then sees the committed response.
 * An expired key is taken over; a live key of another request is CONFLICT.
 */
export async function claimIdempotencyKey(op: Operation, claim: IdempotencyKeyClaim): Promise<IdempotencyKeyClaimed> {
  const claimed = await op.em.execute<{ id: string }[]>(CLAIM_IDEMPOTENCY_KEY, claimParams(claim));
  return settleIdempotencyKey(op, claim, claimed[0]?.id ?? null);
}

/**
 * What a claim statement's result means: `claimedId` is the row it inserted (the key is ours), or null
 * when the pair already had a row, which is then read (and locked): taken over when expired, replayed
 * when it is the same request, CONFLICT otherwise. The authorization statement sends the claim with
 * the caller's checks and settles it here.
 */
export async function settleIdempotencyKey(op: Operation, claim: IdempotencyKeyClaim, claimedId: string | null): Promise<IdempotencyKeyClaimed> {
  if (claimedId) return { status: "claimed", id: claimedId };
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
