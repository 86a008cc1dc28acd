import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { newId } from "../../shared/ids.ts";
import { contentHash } from "../product/content-hash.ts";
import { Document } from "../product/entities.ts";
import { DocumentChunk, Embedding } from "./entities.ts";

export interface EmbeddedChunkInput {
  ordinal: number;
  content: string;
  tokenCount: number;
  metadata?: Record<string, unknown>;
  vector: number[];
}

export interface ReplaceDocumentChunksInput {
  documentId: string;
  /** Hash of the content the chunks were cut from. */
  contentHash: string;
  embeddingModel: string;
  chunks: readonly EmbeddedChunkInput[];
  /** How many of the chunks' vectors were computed now (the rest were reused from unchanged chunks); default all. */
  embeddedCount?: number;
}

export interface ReplaceDocumentChunksResult {
  documentId: string;
  chunkCount: number;
  dimensions: number;
}

function dimensionsOf(chunks: readonly EmbeddedChunkInput[]): number {
  const dims = chunks[0]?.vector.length ?? 0;
  chunks.forEach((chunk, i) => {
    if (chunk.vector.length !== dims || dims === 0) {
      throw AppError.badRequest("every chunk needs a vector of the same, non-zero length", [{ path: `chunks.${i}.vector`, message: `length ${chunk.vector.length}, expected ${dims}` }]);
    }
    if (!chunk.vector.every(Number.isFinite)) {
      throw AppError.badRequest("vectors must be finite numbers", [{ path: `chunks.${i}.vector`, message: "not finite" }]);
    }
  });
  return dims;
}

/**
 * Replace a document's chunks and embeddings with new ones, mark it ingested and emit
 * `document.ingested` — in the caller's transaction, so all of it commits or none does.
 */
export async function replaceDocumentChunks(op: Operation, input: ReplaceDocumentChunksInput): Promise<ReplaceDocumentChunksResult> {
  const dimensions = dimensionsOf(input.chunks);
  const doc = await op.em.findOneOrFail(Document, { id: input.documentId }, { failHandler: () => AppError.notFound("document", input.documentId) });
  const workspaceId = op.workspaceId;
  // Embeddings go with their chunks (on delete cascade).
  await op.em.nativeDelete(DocumentChunk, { workspaceId, documentId: doc.id });
  for (const chunk of input.chunks) {
    const chunkId = newId();
    op.em.create(DocumentChunk, {
      id: chunkId, workspaceId, documentId: doc.id, ordinal: chunk.ordinal, content: chunk.content, contentHash: contentHash(chunk.content),
      tokenCount: chunk.tokenCount, metadata: chunk.metadata ?? {},
    });
    op.em.create(Embedding, { id: newId(), workspaceId, chunkId, model: input.embeddingModel, dimensions, vector: chunk.vector });
  }
  doc.contentHash = input.contentHash;
  doc.ingestionStatus = "ingested";
  doc.ingestedAt = new Date();
  doc.ingestionError = null;
  const embedded = Math.min(input.embeddedCount ?? input.chunks.length, input.chunks.length);
  op.emit("document.ingested", {
    document_id: doc.id, chunk_count: input.chunks.length, embedded_count: embedded, reused_count: input.chunks.length - embedded,
    embedding_model: input.embeddingModel, content_hash: input.contentHash,
  });
  await op.em.flush();
  return { documentId: doc.id, chunkCount: input.chunks.length, dimensions };
}
