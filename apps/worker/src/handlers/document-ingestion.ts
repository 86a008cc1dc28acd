import { INGESTION_EVENT_TYPES, type IngestionHandler } from "@spine/ai";
import { defineWorkerHandler } from "../wiring.ts";

/**
 * Chunk and embed documents when they are created or their content (or format) changes. Ingestion
 * commits in the handler's operation, with its `job_runs` row, and is idempotent by content hash, so
 * a redelivery changes nothing. Refused content (too large, unparsable) is recorded on the document
 * and handled, not retried.
 */
export function documentIngestionHandler(ingestion: IngestionHandler) {
  return defineWorkerHandler({
    name: ingestion.name,
    // Embedding calls: a finished operation is skipped before its work, not rolled back after it.
    checkFirst: true,
    eventTypes: [...INGESTION_EVENT_TYPES],
    subjectFilter: "*.document.>",
    async handle(envelope, { logger, op }) {
      const outcome = await ingestion.handle(envelope, op);
      const reason = outcome.status === "failed" || outcome.status === "skipped" ? { reason: outcome.reason } : {};
      logger.info({ correlation_id: envelope.correlation_id, document_id: envelope.payload.document_id, outcome: outcome.status, ...reason }, "document ingestion");
    },
  });
}
