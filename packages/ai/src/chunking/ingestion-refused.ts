import type { IngestionFailureReason } from "@spine/domain";

/**
 * Content ingestion refuses — too large, not parsable as its format. Not retried: the document records
 * the typed reason (`ingestion_status = 'failed'`, `ingestion_error`) and only new content clears it.
 */
export class IngestionRefused extends Error {
  override readonly name = "IngestionRefused";
  constructor(readonly reason: IngestionFailureReason, message: string) {
    super(message);
  }
}
