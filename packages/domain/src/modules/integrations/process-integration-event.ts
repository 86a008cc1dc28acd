import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { findIntegration } from "./find-integration.ts";
import { mapProviderEvent } from "./provider-mappings.ts";

export interface ProcessIntegrationEventInput {
  integrationEventId: string;
  /** The consumer's last attempt: a transient error is recorded as `failed` instead of being retried. */
  finalAttempt: boolean;
}

export interface ProcessIntegrationEventResult {
  /** `skipped`: the event was already processed, ignored or failed (a redelivery), or is not in this workspace. */
  status: "processed" | "ignored" | "failed" | "skipped";
  note: string | null;
}

interface EventRow {
  id: string;
  integration_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  status: string;
}

const LOCK_EVENT = `select id, integration_id, event_type, payload, status from integration_events where id = ? for update`;
const FINISH_EVENT = `update integration_events set status = ?, error = ?, processed_at = now(), attempts = attempts + 1 where id = ?`;
const HEALTH_OK = `update integrations set last_processed_at = now() where id = ?`;
const HEALTH_FAILED = `update integrations set last_processing_failed_at = now(), last_processing_error = ? where id = ?`;

/** Errors worth another attempt by the consumer (the database, the network); anything typed is final. */
function isTransient(err: unknown): boolean {
  if (!(err instanceof AppError)) return true;
  return err.code === "UNAVAILABLE" || err.code === "INTERNAL" || err.code === "RATE_LIMITED";
}

function reasonOf(err: unknown): string {
  const text = err instanceof AppError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
  return text.slice(0, 2000);
}

/**
 * Turn one stored inbound event (`webhook.received`) into its domain effects, exactly once:
 * the row is locked and only a `received` row is processed, so a redelivery (or two consumers at once)
 * changes nothing. The effects run in a savepoint: when they fail with a typed error (bad payload,
 * unlinked project, inactive access…), or with any error on the final attempt, they are rolled back and
 * the row becomes `failed` with the reason (retry with `retryIntegrationEvent`); other errors are
 * rethrown so the consumer retries with backoff.
 */
export async function processIntegrationEvent(op: Operation, input: ProcessIntegrationEventInput): Promise<ProcessIntegrationEventResult> {
  const [row] = await op.em.execute<EventRow[]>(LOCK_EVENT, [input.integrationEventId]);
  if (!row) return { status: "skipped", note: "no such integration event in this workspace" };
  if (row.status !== "received") return { status: "skipped", note: `already ${row.status}` };
  const integration = await findIntegration(op, row.integration_id, { includeDeleted: true });
  if (integration.deletedAt || integration.status === "disconnected") {
    await op.em.execute(FINISH_EVENT, ["ignored", "integration disconnected", row.id]);
    return { status: "ignored", note: "integration disconnected" };
  }
  try {
    const result = await op.savepoint((inner) => mapProviderEvent(inner, integration, { id: row.id, eventType: row.event_type, payload: row.payload }));
    await op.em.execute(FINISH_EVENT, [result.status, result.status === "ignored" ? result.note : null, row.id]);
    await op.em.execute(HEALTH_OK, [integration.id]);
    return { status: result.status, note: result.note };
  } catch (err) {
    if (isTransient(err) && !input.finalAttempt) throw err;
    const reason = reasonOf(err);
    await op.em.execute(FINISH_EVENT, ["failed", reason, row.id]);
    await op.em.execute(HEALTH_FAILED, [reason, integration.id]);
    return { status: "failed", note: reason };
  }
}
