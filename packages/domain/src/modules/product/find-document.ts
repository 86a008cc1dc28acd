import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { Document, Project } from "./entities.ts";

/**
 * A document of the operation's workspace; deleted ones (or ones whose project is deleted) only when
 * asked for.
 */
export async function findDocument(op: Operation, documentId: string, options: { includeDeleted?: boolean } = {}): Promise<Document> {
  const doc = await op.em.findOne(Document, { id: documentId }, { filters: { notDeleted: !options.includeDeleted } });
  const hidden = doc?.projectId && !options.includeDeleted && !(await op.em.findOne(Project, { id: doc.projectId }));
  if (!doc || hidden) {
    const message = `document ${documentId} not found`;
    throw new AppError("NOT_FOUND", message, { issues: [{ path: "documentId", message }] });
  }
  return doc;
}
