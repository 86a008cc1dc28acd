import type { AnyEnvelope } from "@spine/contracts";
import { operationKeyOf, type EventHandler } from "./handler.ts";
import { claimJobRun, completeJobRun, recordJobFailure } from "./job-runs.ts";
import type { Logger } from "./logger.ts";
import type { TxRunner } from "./tx-runner.ts";

export type ApplyOutcome = "applied" | "duplicate";

function jobRunOf(handler: EventHandler, envelope: AnyEnvelope, attempt: number) {
  return {
    handler: handler.name,
    operationKey: operationKeyOf(handler, envelope),
    workspaceId: envelope.workspace_id,
    eventId: envelope.event_id,
    eventType: envelope.event_type,
    attempt,
  };
}

/**
 * Apply a handler to an envelope exactly once: its effects and its `job_runs` row commit in one
 * transaction, scoped to the envelope's workspace; an operation that already succeeded is skipped.
 */
export async function applyOnce(
  txRunner: TxRunner,
  handler: EventHandler,
  envelope: AnyEnvelope,
  attempt: number,
  logger: Logger,
): Promise<ApplyOutcome> {
  const run = jobRunOf(handler, envelope, attempt);
  const started = performance.now();
  return txRunner.run(envelope.workspace_id, async (tx) => {
    const { alreadySucceeded } = await claimJobRun(tx, run);
    if (alreadySucceeded) return "duplicate";
    await handler.handle(envelope, { tx, logger, attempt });
    await completeJobRun(tx, run, attempt, Math.round(performance.now() - started));
    return "applied";
  });
}

/** Record a failed attempt of `applyOnce` (system scope, its own transaction). */
export async function recordFailure(
  txRunner: TxRunner,
  handler: EventHandler,
  envelope: AnyEnvelope,
  attempt: number,
  failure: { status: "failed" | "dead"; error: string; durationMs: number },
): Promise<void> {
  await txRunner.run(null, (tx) => recordJobFailure(tx, { ...jobRunOf(handler, envelope, attempt), ...failure }));
}
