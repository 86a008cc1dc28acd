import type { Operation } from "../../operation/operation.ts";
import type { RateLimitHit } from "./hit-rate-limit.ts";

/** Give back a hit counted by `hitRateLimit` (the attempt succeeded, so it does not use up budget). */
export async function releaseRateLimitHit(op: Operation, hit: RateLimitHit): Promise<void> {
  await op.em.execute(
    "update rate_limit_hits set hits = greatest(hits - 1, 0) where bucket = ? and window_start = ?",
    [hit.bucket, hit.windowStart],
  );
}
