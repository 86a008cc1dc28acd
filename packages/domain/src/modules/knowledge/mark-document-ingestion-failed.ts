import type { Operation } from "../../context/operation.ts";
import { Document } from "../product/entities.ts";

/** Make a failed ingestion visible on the document; its previous chunks, if any, stay searchable. */
export async function markDocumentIngestionFailed(op: Operation, documentId: string): Promise<void> {
  const doc = await op.em.findOne(Document, { id: documentId });
  if (!doc || doc.ingestionStatus === "ingested") return;
  doc.ingestionStatus = "failed";
  await op.em.flush();
}
