import type { Operation } from "../../operation/operation.ts";
import type { Document } from "./entities.ts";
import { findDocument } from "./find-document.ts";
import { recordActivity } from "./record-activity.ts";

/** Soft-delete a document (audited by the unit of work). */
export async function deleteDocument(op: Operation, documentId: string): Promise<Document> {
  const doc = await findDocument(op, documentId);
  op.em.remove(doc);
  op.emit("document.deleted", { document_id: doc.id });
  recordActivity(op, { verb: "deleted", targetType: "document", targetId: doc.id, projectId: doc.projectId, summary: `deleted document ${doc.title}` });
  await op.em.flush();
  return doc;
}
