import type { EventHandler } from "@spine/bus";
import type { EventType } from "@spine/contracts";
import { createIngestionHandler, type TEmbeddingsConfig, createEmbeddings } from "@spine/ai";
import type { Domain } from "@spine/domain";
import { documentIngestionHandler } from "./document-ingestion.ts";
import { integrationEventsHandler } from "./integration-events.ts";
import { usageMeteringHandler } from "./usage-metering.ts";
import type { WorkerOperation } from "../wiring.ts";

export type WorkerHandler = EventHandler<EventType, WorkerOperation>;

/** Handlers that need nothing but their transaction. */
export const WORKER_HANDLERS: readonly WorkerHandler[] = [usageMeteringHandler as WorkerHandler];

export interface WorkerHandlerDeps {
  domain: Domain;
  embeddings: TEmbeddingsConfig;
  /** The consumers' attempts before dead-lettering (SPINE_CONSUMER_MAX_ATTEMPTS); handlers that record their own last failure need it. */
  maxAttempts?: number;
}

/** Every handler the worker runs; dead-letter replay looks handlers up here by name. */
export function createWorkerHandlers(deps: WorkerHandlerDeps): readonly WorkerHandler[] {
  const ingestion = createIngestionHandler({ domain: deps.domain, embeddings: createEmbeddings(deps.embeddings) });
  return [
    ...WORKER_HANDLERS,
    documentIngestionHandler(ingestion) as WorkerHandler,
    integrationEventsHandler(deps.maxAttempts ?? 5) as WorkerHandler,
  ];
}
