import type pg from "pg";
import { txOf } from "../../reads/pg-tx-runner.ts";
import { CLAIM_SETTINGS, claimOutboxBatch, type ClaimedOutboxRow } from "./claim-outbox-batch.ts";
import { markPublishedSql, recordOutboxBatch, type OutboxBatchOutcome } from "./record-outbox-batch.ts";

/**
 * One relay batch, one transaction on `pool` (system role), three round trips: `BEGIN` with the claim's
 * planner setting; the claim (`claimOutboxBatch`); then, after `publish` reported what the stream acked, the
 * published rows' mark together with `COMMIT` (one multi-statement query; failed and rejected rows, rare, are
 * recorded just before it). If anything fails, the transaction rolls back: the rows stay unpublished and a
 * later batch sends them again (the stream drops the re-sends as duplicates). Returns how many rows it claimed.
 */
export async function relayOutboxBatch(
  pool: pg.Pool,
  limit: number,
  publish: (rows: ClaimedOutboxRow[]) => Promise<OutboxBatchOutcome>,
): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query(`begin; ${CLAIM_SETTINGS}`);
    const tx = txOf(client);
    const rows = await claimOutboxBatch(tx, limit, { settingsSent: true });
    if (rows.length === 0) {
      await client.query("commit");
      return 0;
    }
    const outcome = await publish(rows);
    await recordOutboxBatch(tx, outcome, { markPublishedLater: true });
    await client.query(`${markPublishedSql(outcome.publishedIds, (value) => client.escapeLiteral(value))}commit`);
    return rows.length;
  } catch (err) {
    await client.query("rollback").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
