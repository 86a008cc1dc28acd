import type { Tx } from "../../../reads/pg-tx-runner.ts";
import { CUTOFF, deleteInChunks } from "./delete-expired-rows.ts";

/**
 * Retention of `integration_events` (raw webhook payloads): rows received longer ago than `olderThanMs`
 * (system role). The row is also the `(source, source_event_id)` dedupe record, so the class is far
 * longer than any provider's redelivery window.
 */
export function deleteExpiredIntegrationEvents(q: Tx, options: { olderThanMs: number; chunk?: number }): Promise<number> {
  return deleteInChunks(
    q, "integration_events", `select id from integration_events where received_at < ${CUTOFF} limit $2`, options.olderThanMs, options.chunk,
  );
}
