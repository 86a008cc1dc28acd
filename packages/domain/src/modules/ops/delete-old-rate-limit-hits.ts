import type { Tx } from "../../reads/pg-tx-runner.ts";

/** Delete `rate_limit_hits` windows that started before `olderThanMs` ago, in chunks (system role). */
export async function deleteOldRateLimitHits(q: Tx, options: { olderThanMs: number; chunk?: number }): Promise<number> {
  const chunk = options.chunk ?? 5_000;
  let total = 0;
  for (;;) {
    const res = await q.query(
      `delete from rate_limit_hits where ctid in (
         select ctid from rate_limit_hits where window_start < now() - make_interval(secs => $1::double precision / 1000) limit $2)`,
      [options.olderThanMs, chunk],
    );
    total += res.rowCount;
    if (res.rowCount < chunk) return total;
  }
}
