import { EntitySchema, OptionalProps } from "@mikro-orm/core";
import { idProp, notDeletedFilter, softDeleteProp, tenantFilter, tenantProp, timestampProps } from "../../shared/common-props.ts";

export class Integration {
  [OptionalProps]?: "createdAt" | "updatedAt" | "deletedAt" | "status" | "config" | "credentials" | "webhookSecret" | "connectedBy";
  id!: string;
  workspaceId!: string;
  provider!: string;
  name!: string;
  status = "connected";
  config: Record<string, unknown> = {};
  /** Secret material: never returned by the API, redacted in audit logs. */
  credentials: Record<string, unknown> = {};
  webhookSecret: string | null = null;
  connectedBy: string | null = null;
  createdAt!: Date;
  updatedAt!: Date;
  deletedAt: Date | null = null;
}
export const IntegrationSchema = new EntitySchema<Integration>({
  class: Integration,
  tableName: "integrations",
  properties: {
    ...idProp, ...tenantProp,
    provider: { type: "string" },
    name: { type: "string" },
    status: { type: "string" },
    config: { type: "json" },
    credentials: { type: "json", hidden: true },
    webhookSecret: { type: "string", nullable: true, hidden: true },
    connectedBy: { type: "uuid", nullable: true },
    ...timestampProps, ...softDeleteProp,
  },
  filters: { ...tenantFilter, ...notDeletedFilter },
});

export class IntegrationEvent {
  [OptionalProps]?: "status" | "error" | "receivedAt" | "processedAt" | "attempts";
  id!: string;
  workspaceId!: string;
  integrationId!: string;
  source!: string;
  sourceEventId!: string;
  eventType!: string;
  payload!: Record<string, unknown>;
  status = "received";
  error: string | null = null;
  attempts = 0;
  receivedAt!: Date;
  processedAt: Date | null = null;
}
export const IntegrationEventSchema = new EntitySchema<IntegrationEvent>({
  class: IntegrationEvent,
  tableName: "integration_events",
  properties: {
    ...idProp, ...tenantProp,
    integrationId: { type: "uuid" },
    source: { type: "string" },
    sourceEventId: { type: "string" },
    eventType: { type: "string" },
    payload: { type: "json" },
    status: { type: "string" },
    error: { type: "text", nullable: true },
    attempts: { type: "integer" },
    receivedAt: { type: "Date", onCreate: () => new Date() },
    processedAt: { type: "Date", nullable: true },
  },
  filters: { ...tenantFilter },
});
