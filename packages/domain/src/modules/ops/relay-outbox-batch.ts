import type pg from "pg";
import { inTransaction } from "../../reads/scoped-transaction.ts";
import { txOf } from "../../reads/pg-tx-runner.ts";
import { CLAIM_SETTINGS, claimOutboxBatch, type ClaimedOutboxRow } from "./claim-outbox-batch.ts";
import { markPublishedSql, recordOutboxFailures, type OutboxBatchOutcome } from "./record-outbox-batch.ts";

/**
 * One relay batch, one transaction on `pool` (system role), three round trips: `BEGIN` with the claim's
 * planner setting; the claim (`claimOutboxBatch`); then, after `publish` reported what the stream acked, the
 * published rows' mark together with `COMMIT` (failed and rejected rows, rare, are recorded just before it).
 * If anything fails, the transaction rolls back: the rows stay unpublished and a later batch sends them
 * again (the stream drops the re-sends as duplicates). Returns how many rows it claimed.
 */
export function relayOutboxBatch(pool: pg.Pool, limit: number, publish: (rows: ClaimedOutboxRow[]) => Promise<OutboxBatchOutcome>): Promise<number> {
  return inTransaction(
    pool,
    async (client, atCommit) => {
      const tx = txOf(client);
      const rows = await claimOutboxBatch(tx, limit);
      if (rows.length === 0) return 0;
      const outcome = await publish(rows);
      await recordOutboxFailures(tx, outcome);
      const mark = markPublishedSql(outcome.publishedIds, (value) => client.escapeLiteral(value));
      if (mark) atCommit(mark);
      return rows.length;
    },
    { beginWith: CLAIM_SETTINGS },
  );
}
