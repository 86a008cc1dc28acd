import { INGESTION_EVENT_TYPES, type IngestionHandler } from "@spine/ai";
import { defineWorkerHandler } from "../wiring.ts";

/**
 * Chunk and embed documents when they are created or their content changes. Ingestion commits in
 * its own domain transaction and is idempotent by content hash, so a redelivery changes nothing.
 */
export function documentIngestionHandler(ingestion: IngestionHandler) {
  return defineWorkerHandler({
    name: ingestion.name,
    eventTypes: [...INGESTION_EVENT_TYPES],
    subjectFilter: "*.document.>",
    async handle(envelope, { logger }) {
      const outcome = await ingestion.handle(envelope);
      logger.info({ correlation_id: envelope.correlation_id, document_id: envelope.payload.document_id, outcome: outcome.status }, "document ingestion");
    },
  });
}
