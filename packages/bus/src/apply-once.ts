import type { AnyEnvelope, EventType } from "@spine/contracts";
import { operationKeyOf, type EventHandler } from "./handler.ts";
import type { Logger } from "./logger.ts";
import type { ApplyOutcome, JobLedger, JobRunStart } from "./ports.ts";

export type { ApplyOutcome };

export function jobRunOf<H>(handler: EventHandler<EventType, H>, envelope: AnyEnvelope, attempt: number): JobRunStart {
  return {
    handler: handler.name,
    operationKey: operationKeyOf(handler, envelope),
    workspaceId: envelope.workspace_id,
    eventId: envelope.event_id,
    eventType: envelope.event_type,
    correlationId: envelope.correlation_id,
    attempt,
    mayHaveRun: attempt > 1 || handler.operationKey !== undefined || handler.checkFirst === true,
  };
}

/**
 * Apply a handler to an envelope exactly once: its effects and its `job_runs` row commit in one
 * transaction (the ledger's), scoped to the envelope's workspace; the effects of an operation that already
 * succeeded are rolled back (or, for a redelivery, not run at all).
 */
export function applyOnce<H>(
  ledger: JobLedger<H>,
  handler: EventHandler<EventType, H>,
  envelope: AnyEnvelope,
  attempt: number,
  logger: Logger,
): Promise<ApplyOutcome> {
  return ledger.applyOnce(jobRunOf(handler, envelope, attempt), (op) => handler.handle(envelope, { op, logger, attempt }));
}
