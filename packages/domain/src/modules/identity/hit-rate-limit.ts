import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";

export interface RateLimitRule {
  /** What is limited, e.g. `signin:account:<email>`. */
  bucket: string;
  max: number;
  windowSeconds: number;
  /** Field the error names when the limit is hit. */
  field: string;
}

/** One counted hit: where it was counted, so it can be released again (`releaseRateLimitHit`). */
export interface RateLimitHit {
  bucket: string;
  windowStart: Date;
}

/**
 * Count one hit in a fixed window stored in Postgres (shared by every API process) and throw
 * RATE_LIMITED past the maximum. Commit it in its own operation so a failing caller still counts.
 * To count only failures, hit before the attempt and release the hit when the attempt succeeds.
 */
export async function hitRateLimit(op: Operation, rule: RateLimitRule): Promise<RateLimitHit> {
  const windowMs = rule.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(Date.now() / windowMs) * windowMs);
  const rows = await op.em.execute<{ hits: number }[]>(
    `insert into rate_limit_hits (bucket, window_start, hits) values (?, ?, 1)
     on conflict (bucket, window_start) do update set hits = rate_limit_hits.hits + 1 returning hits`,
    [rule.bucket, windowStart],
  );
  const hits = rows[0]?.hits ?? 0;
  if (hits <= rule.max) return { bucket: rule.bucket, windowStart };
  const retryAfter = Math.ceil((windowStart.getTime() + windowMs - Date.now()) / 1000);
  const message = `too many attempts; retry in ${retryAfter}s`;
  throw new AppError("RATE_LIMITED", message, { issues: [{ path: rule.field, message }] });
}
