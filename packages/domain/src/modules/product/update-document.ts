import type { Operation } from "../../operation/operation.ts";
import { contentHash } from "./content-hash.ts";
import type { Document, DocumentFormat } from "./entities.ts";
import { findDocument } from "./find-document.ts";
import { findProject } from "./find-project.ts";
import { recordActivity } from "./record-activity.ts";

export interface UpdateDocumentInput {
  documentId: string;
  title?: string | undefined;
  format?: DocumentFormat | undefined;
  content?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  projectId?: string | null | undefined;
}

/** Change a document; new content or a new format resets it to pending ingestion. */
export async function updateDocument(op: Operation, input: UpdateDocumentInput): Promise<Document> {
  const doc = await findDocument(op, input.documentId);
  const changed: string[] = [];
  if (input.projectId !== undefined && input.projectId !== doc.projectId) {
    doc.projectId = input.projectId === null ? null : (await findProject(op, input.projectId)).id;
    changed.push("project_id");
  }
  if (input.title !== undefined && input.title !== doc.title) { doc.title = input.title; changed.push("title"); }
  if (input.content !== undefined && input.content !== doc.content) {
    doc.content = input.content;
    doc.contentHash = contentHash(input.content);
    changed.push("content");
  }
  if (input.format !== undefined && input.format !== doc.format) { doc.format = input.format; changed.push("format"); }
  if (changed.includes("content") || changed.includes("format")) {
    // Parsed anew by the next ingestion.
    doc.ingestionStatus = "pending";
    doc.ingestionError = null;
  }
  if (input.metadata !== undefined) { doc.metadata = input.metadata; changed.push("metadata"); }
  if (changed.length === 0) return doc;
  op.emit("document.updated", { document_id: doc.id, changed_fields: changed });
  recordActivity(op, { verb: "updated", targetType: "document", targetId: doc.id, projectId: doc.projectId, summary: `updated ${changed.join(", ")}`, data: { changed_fields: changed } });
  await op.em.flush();
  return doc;
}
