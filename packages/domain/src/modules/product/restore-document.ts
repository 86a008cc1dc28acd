import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import type { Document } from "./entities.ts";
import { findDocument } from "./find-document.ts";
import { findProject } from "./find-project.ts";
import { recordActivity } from "./record-activity.ts";

/** Undo a document's soft delete; its project, if any, must be live. */
export async function restoreDocument(op: Operation, documentId: string): Promise<Document> {
  const doc = await findDocument(op, documentId, { includeDeleted: true });
  if (!doc.deletedAt) throw AppError.precondition("document is not deleted");
  if (doc.projectId) await findProject(op, doc.projectId);
  doc.deletedAt = null;
  op.emit("document.restored", { document_id: doc.id });
  recordActivity(op, { verb: "restored", targetType: "document", targetId: doc.id, projectId: doc.projectId, summary: `restored document ${doc.title}` });
  await op.em.flush();
  return doc;
}
