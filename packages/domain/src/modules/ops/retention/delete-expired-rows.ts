import type { Tx } from "../../../reads/pg-tx-runner.ts";

/**
 * Delete, in chunks, the rows `select` names (`$1` is the age in ms, `$2` the chunk size); each chunk
 * is its own statement, so no single statement holds many locks. Returns how many rows were deleted.
 */
export async function deleteInChunks(q: Tx, table: string, select: string, olderThanMs: number, chunk = 5_000): Promise<number> {
  let total = 0;
  for (;;) {
    const res = await q.query(`delete from ${table} where id in (${select})`, [olderThanMs, chunk]);
    total += res.rowCount;
    if (res.rowCount < chunk) return total;
  }
}

/** `now() - $1 ms` in SQL. */
export const CUTOFF = "now() - make_interval(secs => $1::double precision / 1000)";
