import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { newId } from "../../shared/ids.ts";
import { assertAccessActive } from "../governance/assert-access-active.ts";
import { findIntegration } from "./find-integration.ts";
import { BILLING_PROVIDERS } from "./provider-mappings.ts";

export interface RecordIntegrationEventInput {
  integrationId: string;
  sourceEventId: string;
  eventType: string;
  payload: Record<string, unknown>;
}

export interface RecordIntegrationEventResult {
  integrationEventId: string;
  /** False when this (source, source_event_id) was stored before: nothing happened twice. The source is the integration's id. */
  created: boolean;
}

const INSERT_ONCE = `insert into integration_events (id, workspace_id, integration_id, source, source_event_id, event_type, payload)
  values (?, ?, ?, ?, ?, ?, ?::jsonb)
  on conflict (source, source_event_id) do nothing
  returning id`;
const EXISTING = `select id from integration_events where source = ? and source_event_id = ?`;
const DELIVERED = `update integrations set last_delivery_at = now() where id = ?`;

/**
 * Store an inbound webhook event once per (source, source_event_id), the source being the sending
 * integration, so two integrations of one provider never collide; only the first delivery
 * announces webhook.received. Not a privileged write, so no audit row. A workspace whose access is
 * inactive or expired ingests nothing (ACCESS_INACTIVE; the provider retries later) — except from a
 * billing provider (Stripe): its subscription events are how access comes back, so the gate lets them in.
 */
export async function recordIntegrationEvent(op: Operation, input: RecordIntegrationEventInput): Promise<RecordIntegrationEventResult> {
  const integration = await findIntegration(op, input.integrationId);
  if (!BILLING_PROVIDERS.has(integration.provider)) await assertAccessActive(op);
  const workspaceId = op.workspaceId;
  const source = integration.id;
  const inserted = await op.em.execute<{ id: string }[]>(INSERT_ONCE, [
    newId(), workspaceId, integration.id, source, input.sourceEventId, input.eventType, JSON.stringify(input.payload),
  ]);
  await op.em.execute(DELIVERED, [integration.id]);
  const row = inserted[0];
  if (!row) {
    const existing = await op.em.execute<{ id: string }[]>(EXISTING, [source, input.sourceEventId]);
    const first = existing[0];
    if (!first) throw new AppError("INTERNAL", "integration event conflicted but is not visible in this workspace");
    return { integrationEventId: first.id, created: false };
  }
  op.emit("webhook.received", {
    integration_event_id: row.id,
    integration_id: integration.id,
    source,
    source_event_id: input.sourceEventId,
    event_type: input.eventType,
  });
  return { integrationEventId: row.id, created: true };
}
