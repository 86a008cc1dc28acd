import type { Tx } from "../../reads/pg-tx-runner.ts";

export interface ClaimedOutboxRow {
  id: string;
  envelope: unknown;
}

/**
 * Claim up to `limit` committed, unpublished, not rejected outbox rows in the caller's transaction
 * (system role), oldest first. `FOR UPDATE SKIP LOCKED` lets relays run side by side without sending
 * a row twice; selecting by `published_at is null` (not an id cursor) means a row whose transaction
 * commits late is picked up by the next claim.
 */
export async function claimOutboxBatch(tx: Tx, limit: number): Promise<ClaimedOutboxRow[]> {
  const { rows } = await tx.query<ClaimedOutboxRow>(
    `select id, envelope from outbox
     where published_at is null and rejected_at is null
     order by created_at, id limit $1 for update skip locked`,
    [limit],
  );
  return rows;
}
