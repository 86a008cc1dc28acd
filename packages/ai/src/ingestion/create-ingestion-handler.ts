import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { EnvelopeOf } from "@spine/contracts";
import { AppError, type Domain, type OperationContext } from "@spine/domain";
import type { TextSplitter } from "@langchain/textsplitters";
import type { TChunkingOptions } from "../chunking/chunk-document.ts";
import { ingestDocument, type IngestionResult } from "./ingest-document.ts";

export const INGESTION_EVENT_TYPES = ["document.created", "document.updated"] as const;
export type IngestionEventType = (typeof INGESTION_EVENT_TYPES)[number];

/** An envelope of one of the ingestion event types, narrowable by `event_type`. */
export type IngestionEnvelope = EnvelopeOf<"document.created"> | EnvelopeOf<"document.updated">;

export type IngestionOutcome = IngestionResult | { status: "skipped"; reason: string };

export interface IngestionHandlerOptions {
  domain: Domain;
  embeddings: EmbeddingsInterface;
  splitter?: TChunkingOptions | TextSplitter;
  /** Durable consumer / job_runs handler name. */
  name?: string;
}

export interface IngestionHandler {
  readonly name: string;
  readonly eventTypes: readonly IngestionEventType[];
  handle(envelope: IngestionEnvelope): Promise<IngestionOutcome>;
}

function contextOf(envelope: IngestionEnvelope, workspaceId: string): OperationContext {
  return { workspaceId, actorId: null, actorType: "system", correlationId: envelope.correlation_id };
}

/**
 * A consumer of `document.created` / `document.updated` that (re)ingests the document. Shaped like
 * the bus's `EventHandler` (name, eventTypes, handle). Ingestion runs in its own domain
 * transaction and is idempotent by content hash, so a redelivery re-applies nothing.
 */
export function createIngestionHandler(options: IngestionHandlerOptions): IngestionHandler {
  const ingestOptions = { embeddings: options.embeddings, ...(options.splitter ? { splitter: options.splitter } : {}) };
  return {
    name: options.name ?? "ai-document-ingestion",
    eventTypes: INGESTION_EVENT_TYPES,
    async handle(envelope) {
      const workspaceId = envelope.workspace_id;
      if (!workspaceId) return { status: "skipped", reason: "event has no workspace" };
      if (envelope.event_type === "document.updated" && !envelope.payload.changed_fields.includes("content")) {
        return { status: "skipped", reason: "content unchanged" };
      }
      try {
        return await ingestDocument(options.domain, contextOf(envelope, workspaceId), envelope.payload.document_id, ingestOptions);
      } catch (err) {
        // A document deleted before its ingestion ran has nothing to ingest.
        if (AppError.isAppError(err) && err.code === "NOT_FOUND") return { status: "skipped", reason: "document not found or deleted" };
        throw err;
      }
    },
  };
}
