import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import { idProp, notDeletedFilter, softDeleteProp, startsNull, tenantFilter, tenantProp, timestampProps } from "../../shared/common-props.ts";

/** `disabled`: after too many failed sync jobs (`integration.enable` clears it). */
export const INTEGRATION_STATUSES = ["connected", "disconnected", "error", "disabled"] as const;
export type IntegrationStatus = (typeof INTEGRATION_STATUSES)[number];

export const Integration = defineEntity({
  name: "Integration",
  tableName: "integrations",
  properties: {
    ...idProp, ...tenantProp,
    provider: p.string(),
    name: p.string(),
    status: p.string().$type<IntegrationStatus>().default("connected").onCreate(() => "connected"),
    config: p.json<Record<string, unknown>>().onCreate(() => ({})),
    /** Secret material: never returned by the API, redacted in audit logs. */
    credentials: p.json<Record<string, unknown>>().hidden().onCreate(() => ({})),
    webhookSecret: startsNull(p.string().nullable(), { hidden: true }),
    connectedBy: startsNull(p.uuid().nullable()),
    ...timestampProps, ...softDeleteProp,
  },
  filters: { ...tenantFilter, ...notDeletedFilter },
});
export type Integration = InferEntity<typeof Integration>;

export const INTEGRATION_EVENT_STATUSES = ["received", "processed", "ignored", "failed"] as const;
export type IntegrationEventStatus = (typeof INTEGRATION_EVENT_STATUSES)[number];

export const IntegrationEvent = defineEntity({
  name: "IntegrationEvent",
  tableName: "integration_events",
  properties: {
    ...idProp, ...tenantProp,
    integrationId: p.uuid(),
    source: p.string(),
    sourceEventId: p.string(),
    eventType: p.string(),
    payload: p.json<Record<string, unknown>>(),
    status: p.string().$type<IntegrationEventStatus>().default("received").onCreate(() => "received"),
    error: startsNull(p.text().nullable()),
    attempts: p.integer().default(0).onCreate(() => 0),
    receivedAt: p.datetime().onCreate(() => new Date()),
    processedAt: startsNull(p.datetime().nullable()),
  },
  filters: { ...tenantFilter },
});
export type IntegrationEvent = InferEntity<typeof IntegrationEvent>;
