import type pg from "pg";

/**
 * Delete outbox rows published longer ago than the replay window, in chunks so no single statement
 * holds many locks. Unpublished rows are never touched. Returns how many rows were deleted.
 */
export async function deletePublishedOutbox(pool: pg.Pool, options: { replayWindowMs: number; chunk?: number }): Promise<number> {
  const chunk = options.chunk ?? 5_000;
  let total = 0;
  for (;;) {
    const res = await pool.query(
      `delete from outbox where id in (
         select id from outbox where published_at is not null
           and published_at < now() - make_interval(secs => $1::double precision / 1000)
         limit $2)`,
      [options.replayWindowMs, chunk],
    );
    const deleted = res.rowCount ?? 0;
    total += deleted;
    if (deleted < chunk) return total;
  }
}

/** Delete API idempotency keys past their expiry (system role). */
export async function deleteExpiredIdempotencyKeys(pool: pg.Pool): Promise<number> {
  const res = await pool.query("delete from idempotency_keys where expires_at < now()");
  return res.rowCount ?? 0;
}
