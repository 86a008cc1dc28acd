import type { Tx } from "../../reads/pg-tx-runner.ts";

/** Delete API idempotency keys past their expiry (system role). */
export async function deleteExpiredIdempotencyKeys(q: Tx): Promise<number> {
  const res = await q.query("delete from idempotency_keys where expires_at < now()");
  return res.rowCount;
}
