import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { EnvelopeOf } from "@spine/contracts";
import { AppError, type Domain, type Operation, type OperationContext } from "@spine/domain";
import type { TextSplitter } from "@langchain/textsplitters";
import type { TChunkingOptions } from "../chunking/chunk-document.ts";
import type { IngestionLimits } from "../chunking/chunk-content.ts";
import { ingestDocument, ingestDocumentInOperation, type IngestionResult } from "./ingest-document.ts";

export const INGESTION_EVENT_TYPES = ["document.created", "document.updated"] as const;
export type IngestionEventType = (typeof INGESTION_EVENT_TYPES)[number];

/** An envelope of one of the ingestion event types, narrowable by `event_type`. */
export type IngestionEnvelope = EnvelopeOf<"document.created"> | EnvelopeOf<"document.updated">;

export type IngestionOutcome = IngestionResult | { status: "skipped"; reason: string };

export interface IngestionHandlerOptions {
  domain: Domain;
  embeddings: EmbeddingsInterface;
  splitter?: TChunkingOptions | TextSplitter;
  limits?: IngestionLimits;
  /** Durable consumer / job_runs handler name. */
  name?: string;
}

export interface IngestionHandler {
  readonly name: string;
  readonly eventTypes: readonly IngestionEventType[];
  /**
   * With `op` (the worker's: the consumer's `job_runs` transaction) the ingestion's effects commit with
   * that row; without, ingestion runs its own transactions.
   */
  handle(envelope: IngestionEnvelope, op?: Operation): Promise<IngestionOutcome>;
}

function contextOf(envelope: IngestionEnvelope, workspaceId: string): OperationContext {
  return { workspaceId, actorId: null, actorType: "system", correlationId: envelope.correlation_id };
}

/**
 * A consumer of `document.created` / `document.updated` that (re)ingests the document. Shaped like
 * the bus's `EventHandler` (name, eventTypes, handle). Given the consumer's operation, ingestion
 * commits in it, with the `job_runs` row; it is also idempotent by content hash, so a redelivery
 * re-applies nothing. Refused content ends as a `failed` outcome recorded on the document — handled,
 * so not retried and never dead-lettered.
 */
export function createIngestionHandler(options: IngestionHandlerOptions): IngestionHandler {
  const ingestOptions = { embeddings: options.embeddings, ...(options.splitter ? { splitter: options.splitter } : {}), ...(options.limits ? { limits: options.limits } : {}) };
  return {
    name: options.name ?? "ai-document-ingestion",
    eventTypes: INGESTION_EVENT_TYPES,
    async handle(envelope, op) {
      const workspaceId = envelope.workspace_id;
      if (!workspaceId) return { status: "skipped", reason: "event has no workspace" };
      if (envelope.event_type === "document.updated" && !envelope.payload.changed_fields.some((f) => f === "content" || f === "format")) {
        return { status: "skipped", reason: "content unchanged" };
      }
      try {
        if (op) return await ingestDocumentInOperation(op, envelope.payload.document_id, ingestOptions);
        return await ingestDocument(options.domain, contextOf(envelope, workspaceId), envelope.payload.document_id, ingestOptions);
      } catch (err) {
        // A document deleted before its ingestion ran has nothing to ingest.
        if (AppError.isAppError(err) && err.code === "NOT_FOUND") return { status: "skipped", reason: "document not found or deleted" };
        throw err;
      }
    },
  };
}
