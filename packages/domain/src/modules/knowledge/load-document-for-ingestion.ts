import { LockMode } from "@mikro-orm/core";
import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { Document, type DocumentFormat } from "../product/entities.ts";
import { DocumentChunk, Embedding } from "./entities.ts";

/** What ingestion needs to know about a document before chunking and embedding it. */
export interface DocumentIngestionState {
  documentId: string;
  title: string;
  format: DocumentFormat;
  content: string;
  ingestionStatus: string;
  /** Hash of the content that was last ingested (only meaningful when status is `ingested`). */
  contentHash: string | null;
  /** The embedding model of the current chunks, or null when there are none. */
  embeddingModel: string | null;
}

export interface LoadDocumentForIngestionOptions {
  /**
   * Lock the document's row until the transaction ends (default true), so two concurrent ingestions
   * of one document write one after the other. Off for a first look before embedding.
   */
  lock?: boolean;
}

/** Load a live document of the workspace for ingestion. */
export async function loadDocumentForIngestion(op: Operation, documentId: string, options: LoadDocumentForIngestionOptions = {}): Promise<DocumentIngestionState> {
  const doc = await op.em.findOne(Document, { id: documentId }, options.lock === false ? { refresh: true } : { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!doc) {
    const message = `document ${documentId} not found`;
    throw new AppError("NOT_FOUND", message, { issues: [{ path: "documentId", message }] });
  }
  const firstChunk = await op.em.findOne(DocumentChunk, { documentId }, { orderBy: { ordinal: "asc" } });
  const embedding = firstChunk ? await op.em.findOne(Embedding, { chunkId: firstChunk.id }) : null;
  return {
    documentId: doc.id,
    title: doc.title,
    format: doc.format,
    content: doc.content,
    ingestionStatus: doc.ingestionStatus,
    contentHash: doc.contentHash ?? null,
    embeddingModel: embedding?.model ?? null,
  };
}

/**
 * The vectors a document's current chunks have under `model`, keyed by the chunk's content hash:
 * what re-ingestion reuses instead of embedding an unchanged chunk again.
 */
export async function listDocumentChunkVectors(op: Operation, documentId: string, model: string): Promise<Map<string, number[]>> {
  const rows = await op.em.execute<{ content_hash: string; vector: string }[]>(`
    select coalesce(c.content_hash, encode(sha256(convert_to(c.content, 'UTF8')), 'hex')) as content_hash, e.vector::text as vector
    from document_chunks c
    join embeddings e on e.workspace_id = c.workspace_id and e.chunk_id = c.id and e.model = ?
    where c.workspace_id = ? and c.document_id = ?`, [model, op.workspaceId, documentId]);
  const vectors = new Map<string, number[]>();
  for (const row of rows) vectors.set(row.content_hash, JSON.parse(row.vector) as number[]);
  return vectors;
}
