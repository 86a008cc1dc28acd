import type { Operation } from "../../operation/operation.ts";
import { consumeUsage } from "../governance/consume-usage.ts";
import { newId } from "../../shared/ids.ts";
import { contentHash } from "./content-hash.ts";
import { Document, type DocumentFormat } from "./entities.ts";
import { findProject } from "./find-project.ts";
import { recordActivity } from "./record-activity.ts";

export interface CreateDocumentInput {
  projectId?: string | null | undefined;
  title: string;
  /** How ingestion parses the content (default `text`). */
  format?: DocumentFormat | undefined;
  content?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
}

/** Create a document, pending ingestion; `document.created` is what the ingestion consumer reacts to. */
export async function createDocument(op: Operation, input: CreateDocumentInput): Promise<Document> {
  const projectId = input.projectId ? (await findProject(op, input.projectId)).id : null;
  const content = input.content ?? "";
  await consumeUsage(op, { metric: "documents" });
  await consumeUsage(op, { metric: "document_bytes", amount: Buffer.byteLength(content, "utf8") });
  // The document, its event and its activity line: one statement.
  return op.insertTogether(() => {
    const doc = op.newRow(Document, {
      id: newId(), workspaceId: op.workspaceId, projectId, title: input.title, format: input.format ?? "text", content,
      metadata: input.metadata ?? {}, contentHash: contentHash(content), ingestionStatus: "pending", createdBy: op.ctx.actorId,
    });
    op.emit("document.created", { document_id: doc.id, project_id: projectId, title: doc.title });
    recordActivity(op, { verb: "created", targetType: "document", targetId: doc.id, projectId, summary: `created document ${doc.title}` });
    return doc;
  });
}
