import type { Tx } from "../../reads/pg-tx-runner.ts";

export interface OutboxRowError {
  id: string;
  error: string;
}

export interface OutboxBatchOutcome {
  /** Acked by the stream: marked published. */
  publishedIds: readonly string[];
  /** Publish failed (NATS down, timeout): stay unpublished, attempt and error recorded. */
  failures: readonly OutboxRowError[];
  /** Stored envelope does not parse: `rejected_at` set, never claimed again. */
  rejections: readonly OutboxRowError[];
}

/**
 * Record the failed and rejected rows of a claimed batch, in the transaction that claimed it (see
 * `claimOutboxBatch`); the published ones are marked by `markPublishedSql`, sent with the COMMIT.
 */
export async function recordOutboxFailures(tx: Tx, outcome: OutboxBatchOutcome): Promise<void> {
  if (outcome.failures.length > 0) {
    await tx.query(
      `update outbox o set publish_attempts = o.publish_attempts + 1, last_error = f.error
       from unnest($1::uuid[], $2::text[]) as f(id, error) where o.id = f.id`,
      [outcome.failures.map((f) => f.id), outcome.failures.map((f) => f.error.slice(0, 2000))],
    );
  }
  if (outcome.rejections.length > 0) {
    await tx.query(
      `update outbox o set publish_attempts = o.publish_attempts + 1, last_error = f.error, rejected_at = now()
       from unnest($1::uuid[], $2::text[]) as f(id, error) where o.id = f.id`,
      [outcome.rejections.map((f) => f.id), outcome.rejections.map((f) => f.error.slice(0, 2000))],
    );
  }
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * The published rows' mark as statement text with the ids inlined, for the query that ends the transaction
 * (`inTransaction`'s `atCommit`); "" when there are none. Every id must be a UUID (they are the claimed rows'
 * ids), and each is still written as its own escaped literal.
 */
export function markPublishedSql(publishedIds: readonly string[], escapeLiteral: (value: string) => string): string {
  if (publishedIds.length === 0) return "";
  const bad = publishedIds.find((id) => !UUID.test(id));
  if (bad !== undefined) throw new Error(`markPublishedSql: not an outbox row id: ${JSON.stringify(bad.slice(0, 80))}`);
  const ids = publishedIds.map((id) => escapeLiteral(id)).join(",");
  return `update outbox set published_at = now(), publish_attempts = publish_attempts + 1, last_error = null
       where id = any(array[${ids}]::uuid[])`;
}
