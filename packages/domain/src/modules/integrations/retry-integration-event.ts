import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { IntegrationEvent } from "./entities.ts";

const RESET = `update integration_events set status = 'received', error = null, processed_at = null where id = ? and status = 'failed'`;

/**
 * Send a `failed` inbound event through processing again: it goes back to `received` and is announced
 * with a new `webhook.received` (a new event, so the consumer runs it once more), audited. Only a failed
 * event can be retried (CONFLICT otherwise); an event of another workspace is NOT_FOUND. `via` names an
 * authority other than membership (`platform_operator`) in the audit row.
 */
export async function retryIntegrationEvent(op: Operation, integrationEventId: string, options: { via?: "platform_operator" } = {}): Promise<{ integrationEventId: string; previousError: string | null }> {
  const event = await op.em.findOne(IntegrationEvent, { id: integrationEventId });
  if (!event) throw AppError.notFound("integration event", integrationEventId);
  if (event.status !== "failed") {
    throw AppError.conflict(`only a failed integration event can be retried (this one is ${event.status})`, [
      { path: "integrationEventId", message: `status is ${event.status}` },
    ]);
  }
  const previousError = event.error ?? null;
  await op.em.execute(RESET, [event.id]);
  op.emit("webhook.received", {
    integration_event_id: event.id,
    integration_id: event.integrationId,
    source: event.source,
    source_event_id: event.sourceEventId,
    event_type: event.eventType,
  });
  op.audit({
    action: "integration_event.retried", targetType: "integration_event", targetId: event.id,
    changes: { before: { status: "failed", error: previousError }, after: { status: "received", error: null, ...(options.via ? { via: options.via } : {}) } },
  });
  return { integrationEventId: event.id, previousError };
}
