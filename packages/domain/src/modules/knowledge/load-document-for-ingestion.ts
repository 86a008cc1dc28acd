import { LockMode } from "@mikro-orm/core";
import type { Operation } from "../../context/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { Document } from "../product/entities.ts";
import { DocumentChunk, Embedding } from "./entities.ts";

/** What ingestion needs to know about a document before chunking and embedding it. */
export interface DocumentIngestionState {
  documentId: string;
  title: string;
  content: string;
  ingestionStatus: string;
  /** Hash of the content that was last ingested (only meaningful when status is `ingested`). */
  contentHash: string | null;
  /** The embedding model of the current chunks, or null when there are none. */
  embeddingModel: string | null;
}

/**
 * Load a live document of the workspace for ingestion and lock its row until the transaction ends,
 * so two concurrent ingestions of one document run one after the other.
 */
export async function loadDocumentForIngestion(op: Operation, documentId: string): Promise<DocumentIngestionState> {
  const doc = await op.em.findOne(Document, { id: documentId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!doc) {
    const message = `document ${documentId} not found`;
    throw new AppError("NOT_FOUND", message, { issues: [{ path: "documentId", message }] });
  }
  const firstChunk = await op.em.findOne(DocumentChunk, { documentId }, { orderBy: { ordinal: "asc" } });
  const embedding = firstChunk ? await op.em.findOne(Embedding, { chunkId: firstChunk.id }) : null;
  return {
    documentId: doc.id,
    title: doc.title,
    content: doc.content,
    ingestionStatus: doc.ingestionStatus,
    contentHash: doc.contentHash,
    embeddingModel: embedding?.model ?? null,
  };
}
