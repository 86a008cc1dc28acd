import type { Operation } from "../../operation/operation.ts";
import { IntegrationEvent } from "./entities.ts";
import { findIntegration } from "./find-integration.ts";

export interface IntegrationEventView {
  id: string;
  integrationId: string;
  sourceEventId: string;
  eventType: string;
  status: string;
  error: string | null;
  attempts: number;
  receivedAt: Date;
  processedAt: Date | null;
}

/** The latest stored inbound events of an integration (payloads are not shown), optionally by status. */
export async function listIntegrationEvents(
  op: Operation,
  input: { integrationId: string; status?: "received" | "processed" | "ignored" | "failed" | undefined; limit: number },
): Promise<IntegrationEventView[]> {
  await findIntegration(op, input.integrationId);
  const rows = await op.em.find(
    IntegrationEvent,
    { integrationId: input.integrationId, ...(input.status ? { status: input.status } : {}) },
    { orderBy: { receivedAt: "desc", id: "desc" }, limit: input.limit },
  );
  return rows.map((e) => ({
    id: e.id, integrationId: e.integrationId, sourceEventId: e.sourceEventId, eventType: e.eventType, status: e.status,
    error: e.error ?? null, attempts: e.attempts, receivedAt: e.receivedAt, processedAt: e.processedAt ?? null,
  }));
}
