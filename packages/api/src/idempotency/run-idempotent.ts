import { claimIdempotencyKey, settleIdempotencyKey, storeIdempotentResponse, type IdempotencyKeyClaim, type Operation } from "@spine/domain";

/**
 * Run `fn` at most once per (user, key) within the TTL. The key is claimed by the domain in the same
 * transaction as the effect, so a failed call leaves no key behind and a concurrent duplicate
 * waits on the row, then replays the committed result. The API only parses the header and hashes the request.
 * `claimedKeyId` is the result of a claim already sent (the workspace authorisation statement sends it):
 * the row it inserted, or null when the key had one; undefined claims the key here.
 */
export async function runIdempotent<T>(
  op: Operation,
  claim: IdempotencyKeyClaim,
  fn: () => Promise<T>,
  claimedKeyId?: string | null,
): Promise<T> {
  const claimed = claimedKeyId === undefined ? await claimIdempotencyKey(op, claim) : await settleIdempotencyKey(op, claim, claimedKeyId);
  if (claimed.status === "replay") return claimed.response as T;
  const result = await fn();
  await storeIdempotentResponse(op, { id: claimed.id }, result);
  return result;
}
