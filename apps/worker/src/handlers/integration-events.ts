import { processIntegrationEvent } from "@spine/domain";
import { defineWorkerHandler } from "../wiring.ts";

export const INTEGRATION_EVENTS_HANDLER = "integration-events";

/**
 * Process stored inbound provider events (`webhook.received`) into domain effects, through the
 * domain's use-cases (GitHub issues → items, Stripe subscriptions → the access lifecycle). The effects
 * and the event's new status (`processed` | `ignored` | `failed`) commit with the handler's `job_runs`
 * row, and only a `received` event is processed, so a redelivery changes nothing. A typed failure (or
 * any failure on the last attempt) is recorded on the event as `failed` with its reason; an untyped one
 * is retried by the consumer with backoff first.
 */
export function integrationEventsHandler(maxAttempts: number) {
  return defineWorkerHandler({
    name: INTEGRATION_EVENTS_HANDLER,
    eventTypes: ["webhook.received"],
    subjectFilter: "*.webhook.received",
    async handle(envelope, { op, attempt, logger }) {
      const result = await processIntegrationEvent(op, {
        integrationEventId: envelope.payload.integration_event_id,
        finalAttempt: attempt >= maxAttempts,
      });
      logger.info(
        { integration_event_id: envelope.payload.integration_event_id, integration_id: envelope.payload.integration_id, status: result.status, note: result.note },
        "integration event processed",
      );
    },
  });
}
