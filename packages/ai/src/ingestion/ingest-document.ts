import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import {
  AppError, contentHash, listDocumentChunkVectors, loadDocumentForIngestion, markDocumentIngestionFailed, replaceDocumentChunks,
  type Domain, type DocumentIngestionState, type IngestionFailureReason, type Operation, type OperationContext,
} from "@spine/domain";
import type { TextSplitter } from "@langchain/textsplitters";
import { chunkContent, type IngestionLimits, type StructuredTextChunk } from "../chunking/chunk-content.ts";
import type { TChunkingOptions } from "../chunking/chunk-document.ts";
import { IngestionRefused } from "../chunking/ingestion-refused.ts";
import { embeddingModelName } from "../embeddings/embedding-model-name.ts";

export interface IngestDocumentOptions {
  embeddings: EmbeddingsInterface;
  /** Chunk size and overlap (recursive splitter for text, Markdown splitter for Markdown and HTML), or any LangChain TextSplitter. */
  splitter?: TChunkingOptions | TextSplitter;
  /** Re-chunk even when this content was already ingested with this model (new splitter settings, say). Unchanged chunks still keep their vectors. */
  force?: boolean;
  /** Past these, the document fails with reason `too_large`. */
  limits?: IngestionLimits;
}

export type IngestionResult =
  | { status: "ingested"; documentId: string; chunkCount: number; embeddedCount: number; reusedCount: number; embeddingModel: string; contentHash: string }
  /** This content was already ingested with this model: nothing written, no event. */
  | { status: "unchanged"; documentId: string; embeddingModel: string; contentHash: string }
  /** The content changed while it was being embedded; the newer version's ingestion takes over. */
  | { status: "superseded"; documentId: string; contentHash: string }
  /** The content was refused (too large, unparsable): recorded on the document, not retried. */
  | { status: "failed"; documentId: string; reason: IngestionFailureReason; message: string; contentHash: string };

function isUpToDate(state: DocumentIngestionState, hash: string, model: string): boolean {
  // No chunks (empty document) means there is no model to compare.
  return state.ingestionStatus === "ingested" && state.contentHash === hash && (state.embeddingModel === null || state.embeddingModel === model);
}

interface PreparedChunks {
  chunks: (StructuredTextChunk & { vector: number[] })[];
  embeddedCount: number;
}

/** Split the content and embed only the chunks whose text has no vector yet under this model. */
async function prepareChunks(state: DocumentIngestionState, known: Map<string, number[]>, options: IngestDocumentOptions): Promise<PreparedChunks> {
  const chunks = await chunkContent(state.content, state.format, options.splitter, options.limits);
  const hashes = chunks.map((c) => contentHash(c.content));
  const missing = [...new Set(hashes.filter((h) => !known.has(h)))];
  const texts = missing.map((h) => chunks[hashes.indexOf(h)]!.content);
  const vectors = texts.length === 0 ? [] : await options.embeddings.embedDocuments(texts);
  if (vectors.length !== texts.length) throw new Error(`embedder returned ${vectors.length} vectors for ${texts.length} chunks`);
  const fresh = new Map(missing.map((h, i) => [h, vectors[i] ?? []]));
  return {
    chunks: chunks.map((chunk, i) => ({ ...chunk, vector: known.get(hashes[i]!) ?? fresh.get(hashes[i]!) ?? [] })),
    embeddedCount: missing.length,
  };
}

type Look = { done: IngestionResult } | { state: DocumentIngestionState; known: Map<string, number[]>; hash: string };

async function look(op: Operation, documentId: string, model: string, options: IngestDocumentOptions): Promise<Look> {
  const state = await loadDocumentForIngestion(op, documentId, { lock: false });
  const hash = contentHash(state.content);
  if (!options.force && isUpToDate(state, hash, model)) return { done: { status: "unchanged", documentId, embeddingModel: model, contentHash: hash } };
  return { state, known: await listDocumentChunkVectors(op, documentId, model), hash };
}

/** Under the document's row lock: re-check the content, then write the chunks or the refusal. */
async function write(op: Operation, documentId: string, model: string, hash: string, prepared: PreparedChunks | IngestionRefused, options: IngestDocumentOptions): Promise<IngestionResult> {
  const current = await loadDocumentForIngestion(op, documentId);
  if (contentHash(current.content) !== hash) return { status: "superseded", documentId, contentHash: hash };
  if (prepared instanceof IngestionRefused) {
    await markDocumentIngestionFailed(op, documentId, { reason: prepared.reason, message: prepared.message });
    return { status: "failed", documentId, reason: prepared.reason, message: prepared.message, contentHash: hash };
  }
  if (!options.force && isUpToDate(current, hash, model)) return { status: "unchanged", documentId, embeddingModel: model, contentHash: hash };
  const written = await replaceDocumentChunks(op, { documentId, contentHash: hash, embeddingModel: model, chunks: prepared.chunks, embeddedCount: prepared.embeddedCount });
  return {
    status: "ingested", documentId, chunkCount: written.chunkCount, embeddedCount: prepared.embeddedCount,
    reusedCount: written.chunkCount - prepared.embeddedCount, embeddingModel: model, contentHash: hash,
  };
}

async function prepareOrRefuse(state: DocumentIngestionState, known: Map<string, number[]>, options: IngestDocumentOptions): Promise<PreparedChunks | IngestionRefused> {
  try {
    return await prepareChunks(state, known, options);
  } catch (err) {
    if (err instanceof IngestionRefused) return err;
    throw err;
  }
}

/**
 * Ingest a document in the caller's transaction — the worker's, which commits the effects with the
 * consumer's `job_runs` row. The first look takes no lock; chunking and embedding run with the
 * transaction open but no row locked (a remote embedder holds a pooled connection meanwhile); the write
 * locks the document and re-checks its content. A refusal is written like a result; any other
 * failure throws and the transaction rolls back.
 */
export async function ingestDocumentInOperation(op: Operation, documentId: string, options: IngestDocumentOptions): Promise<IngestionResult> {
  const model = embeddingModelName(options.embeddings);
  const first = await look(op, documentId, model, options);
  if ("done" in first) return first.done;
  const prepared = await prepareOrRefuse(first.state, first.known, options);
  return write(op, documentId, model, first.hash, prepared, options);
}

/**
 * Ingest a document of the context's workspace: split it by its format, embed the chunks whose text
 * changed (unchanged chunks keep their vectors), replace its chunks and embeddings, mark it ingested
 * and emit `document.ingested` with the counts — the writes and the event in one transaction. Chunking
 * and embedding run between two short transactions, outside both. Idempotent: content already ingested
 * with the same model changes nothing. Content ingestion refuses (too large, unparsable) is recorded
 * on the document (`failed` + `ingestion_error`) and returned; any other failure writes nothing but
 * `ingestion_status = 'failed'` (in its own transaction) and rethrows.
 */
export async function ingestDocument(domain: Domain, ctx: OperationContext, documentId: string, options: IngestDocumentOptions): Promise<IngestionResult> {
  try {
    const model = embeddingModelName(options.embeddings);
    const first = await domain.run(ctx, (op) => look(op, documentId, model, options));
    if ("done" in first) return first.done;
    const prepared = await prepareOrRefuse(first.state, first.known, options);
    return await domain.run(ctx, (op) => write(op, documentId, model, first.hash, prepared, options));
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
