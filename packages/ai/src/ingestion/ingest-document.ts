import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import {
  AppError, contentHash, loadDocumentForIngestion, markDocumentIngestionFailed, replaceDocumentChunks,
  type Domain, type DocumentIngestionState, type OperationContext,
} from "@spine/domain";
import type { TextSplitter } from "@langchain/textsplitters";
import { chunkDocument, type TChunkingOptions } from "../chunking/chunk-document.ts";
import { embeddingModelName } from "../embeddings/embedding-model-name.ts";

export interface IngestDocumentOptions {
  embeddings: EmbeddingsInterface;
  /** Chunk size and overlap for the recursive splitter, or any LangChain TextSplitter. */
  splitter?: TChunkingOptions | TextSplitter;
  /** Re-chunk and re-embed even when this content was already ingested with this model (new splitter settings, say). */
  force?: boolean;
}

export type IngestionResult =
  | { status: "ingested"; documentId: string; chunkCount: number; embeddingModel: string; contentHash: string }
  /** This content was already ingested with this model: nothing written, no event. */
  | { status: "unchanged"; documentId: string; embeddingModel: string; contentHash: string }
  /** The content changed while it was being embedded; the newer version's ingestion takes over. */
  | { status: "superseded"; documentId: string; contentHash: string };

function isUpToDate(state: DocumentIngestionState, hash: string, model: string): boolean {
  // No chunks (empty document) means there is no model to compare.
  return state.ingestionStatus === "ingested" && state.contentHash === hash && (state.embeddingModel === null || state.embeddingModel === model);
}

async function embedChunks(text: string, options: IngestDocumentOptions) {
  const chunks = await chunkDocument(text, options.splitter);
  const vectors = chunks.length === 0 ? [] : await options.embeddings.embedDocuments(chunks.map((c) => c.content));
  if (vectors.length !== chunks.length) throw new Error(`embedder returned ${vectors.length} vectors for ${chunks.length} chunks`);
  return chunks.map((chunk, i) => ({ ...chunk, vector: vectors[i] ?? [] }));
}

async function ingestOnce(domain: Domain, ctx: OperationContext, documentId: string, options: IngestDocumentOptions): Promise<IngestionResult> {
  const model = embeddingModelName(options.embeddings);
  const before = await domain.run(ctx, (op) => loadDocumentForIngestion(op, documentId));
  const hash = contentHash(before.content);
  if (!options.force && isUpToDate(before, hash, model)) return { status: "unchanged", documentId, embeddingModel: model, contentHash: hash };

  // Chunk and embed outside any transaction: a remote embedder must not hold a row lock and a
  // pooled connection. The write below re-checks the content under the lock.
  const chunks = await embedChunks(before.content, options);

  return domain.run(ctx, async (op): Promise<IngestionResult> => {
    const current = await loadDocumentForIngestion(op, documentId);
    if (contentHash(current.content) !== hash) return { status: "superseded", documentId, contentHash: hash };
    if (!options.force && isUpToDate(current, hash, model)) return { status: "unchanged", documentId, embeddingModel: model, contentHash: hash };
    const written = await replaceDocumentChunks(op, { documentId, contentHash: hash, embeddingModel: model, chunks });
    return { status: "ingested", documentId, chunkCount: written.chunkCount, embeddingModel: model, contentHash: hash };
  });
}

/**
 * Ingest a document of the context's workspace: chunk it, embed the chunks, replace its chunks and
 * embeddings, mark it ingested and emit `document.ingested` — the writes and the event in one
 * transaction. Idempotent: content already ingested with the same model changes nothing.
 * A failure writes nothing but `ingestion_status = 'failed'` (in its own transaction) and rethrows.
 */
export async function ingestDocument(domain: Domain, ctx: OperationContext, documentId: string, options: IngestDocumentOptions): Promise<IngestionResult> {
  try {
    return await ingestOnce(domain, ctx, documentId, options);
  } catch (err) {
    if (AppError.isAppError(err) && err.code === "NOT_FOUND") throw err;
    try {
      await domain.run(ctx, (op) => markDocumentIngestionFailed(op, documentId));
    } catch (markErr) {
      throw new AggregateError([err, markErr], "ingestion failed, and so did marking the document failed");
    }
    throw err;
  }
}
