import { claimIdempotencyKey, storeIdempotentResponse, type Operation } from "@spine/domain";
import type { IdempotencyRequest } from "./idempotency-key.ts";

/**
 * Run `fn` at most once per (user, key) within the TTL. The key is claimed by the domain in the same
 * transaction as the effect, so a failed call leaves no key behind and a concurrent duplicate
 * waits on the row, then replays the committed result. The API only parses the header and hashes the request.
 */
export async function runIdempotent<T>(
  op: Operation,
  userId: string,
  request: IdempotencyRequest,
  ttlSeconds: number,
  fn: () => Promise<T>,
): Promise<T> {
  const claim = await claimIdempotencyKey(op, {
    userId, key: request.key, procedure: request.procedure, requestHash: request.requestHash, ttlSeconds,
  });
  if (claim.status === "replay") return claim.response as T;
  const result = await fn();
  await storeIdempotentResponse(op, { id: claim.id }, result);
  return result;
}
