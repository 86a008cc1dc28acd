import type { Operation } from "../../operation/operation.ts";
import { Document, type DocumentIngestionError } from "../product/entities.ts";

/**
 * Make a failed ingestion visible on the document; its previous chunks, if any, stay searchable.
 * With `error` (content ingestion refuses: too large, unparsable) the document records the typed
 * reason; without (a transient failure, retried), only the status changes, and not over `ingested`.
 */
export async function markDocumentIngestionFailed(op: Operation, documentId: string, error?: DocumentIngestionError): Promise<void> {
  const doc = await op.em.findOne(Document, { id: documentId });
  if (!doc) return;
  if (error) {
    doc.ingestionStatus = "failed";
    doc.ingestionError = { reason: error.reason, message: error.message };
  } else {
    if (doc.ingestionStatus === "ingested") return;
    doc.ingestionStatus = "failed";
  }
  await op.em.flush();
}
