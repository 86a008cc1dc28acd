import type { Tx } from "../../reads/pg-tx-runner.ts";

/**
 * Delete outbox rows published longer ago than the replay window, in chunks so no single statement
 * holds many locks (system role; each chunk commits on its own). Unpublished rows are never touched.
 * Returns how many rows were deleted.
 */
export async function deletePublishedOutbox(q: Tx, options: { replayWindowMs: number; chunk?: number }): Promise<number> {
  const chunk = options.chunk ?? 5_000;
  let total = 0;
  for (;;) {
    const res = await q.query(
      `delete from outbox where id in (
         select id from outbox where published_at is not null
           and published_at < now() - make_interval(secs => $1::double precision / 1000)
         limit $2)`,
      [options.replayWindowMs, chunk],
    );
    total += res.rowCount;
    if (res.rowCount < chunk) return total;
  }
}
