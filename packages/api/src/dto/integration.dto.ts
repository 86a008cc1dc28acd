import type { IntegrationEventView, IntegrationHealth, IntegrationView } from "@spine/domain";
import { z } from "zod";
import { iso, ZIdSchema, ZTimestampSchema } from "./common.ts";

/** An integration as the API shows it: secrets reduced to whether they are set, never their values. */
export const ZIntegrationSchema = z.object({
  id: ZIdSchema, workspaceId: ZIdSchema, provider: z.string(), name: z.string(),
  status: z.enum(["connected", "disconnected", "error", "disabled"]), config: z.record(z.string(), z.unknown()),
  hasCredentials: z.boolean(), hasWebhookSecret: z.boolean(),
  /** Where the provider posts its webhooks: `/webhooks/<workspaceId>/<integrationId>` on the API host. */
  webhookPath: z.string(),
  connectedBy: ZIdSchema.nullable(), createdAt: ZTimestampSchema, updatedAt: ZTimestampSchema, deletedAt: ZTimestampSchema.nullable(),
}).strict();
export type TIntegration = z.infer<typeof ZIntegrationSchema>;

export function webhookPathOf(workspaceId: string, integrationId: string): string {
  return `/webhooks/${workspaceId}/${integrationId}`;
}

export function toIntegrationDto(v: IntegrationView): TIntegration {
  return {
    id: v.id, workspaceId: v.workspaceId, provider: v.provider, name: v.name, status: v.status as TIntegration["status"],
    config: v.config, hasCredentials: v.hasCredentials, hasWebhookSecret: v.hasWebhookSecret,
    webhookPath: webhookPathOf(v.workspaceId, v.id), connectedBy: v.connectedBy,
    createdAt: iso(v.createdAt), updatedAt: iso(v.updatedAt), deletedAt: iso(v.deletedAt),
  };
}

export const ZIntegrationEventStatusSchema = z.enum(["received", "processed", "ignored", "failed"]);

/** A stored inbound event as the API shows it (no payload). */
export const ZIntegrationEventSchema = z.object({
  id: ZIdSchema, integrationId: ZIdSchema, sourceEventId: z.string(), eventType: z.string(), status: ZIntegrationEventStatusSchema,
  error: z.string().nullable(), attempts: z.number().int(), receivedAt: ZTimestampSchema, processedAt: ZTimestampSchema.nullable(),
}).strict();
export type TIntegrationEvent = z.infer<typeof ZIntegrationEventSchema>;

export function toIntegrationEventDto(e: IntegrationEventView): TIntegrationEvent {
  return {
    id: e.id, integrationId: e.integrationId, sourceEventId: e.sourceEventId, eventType: e.eventType,
    status: e.status as TIntegrationEvent["status"], error: e.error, attempts: e.attempts, receivedAt: iso(e.receivedAt), processedAt: iso(e.processedAt),
  };
}

/** An integration's health for the operator console. */
export const ZIntegrationHealthSchema = z.object({
  integrationId: ZIdSchema, provider: z.string(), name: z.string(), status: z.enum(["connected", "disconnected", "error", "disabled"]),
  lastDeliveryAt: ZTimestampSchema.nullable(), lastProcessedAt: ZTimestampSchema.nullable(),
  lastProcessingFailedAt: ZTimestampSchema.nullable(), lastProcessingError: z.string().nullable(),
  events: z.object({ received: z.number().int(), processed: z.number().int(), ignored: z.number().int(), failed: z.number().int() }).strict(),
  sync: z.object({
    state: z.enum(["idle", "queued", "running", "succeeded", "failed"]), requestedAt: ZTimestampSchema.nullable(),
    lastStartedAt: ZTimestampSchema.nullable(), lastSucceededAt: ZTimestampSchema.nullable(), lastFailedAt: ZTimestampSchema.nullable(),
    lastError: z.string().nullable(), consecutiveFailures: z.number().int(), cursor: z.string().nullable(),
  }).strict(),
}).strict();
export type TIntegrationHealth = z.infer<typeof ZIntegrationHealthSchema>;

export function toIntegrationHealthDto(h: IntegrationHealth): TIntegrationHealth {
  return {
    integrationId: h.integrationId, provider: h.provider, name: h.name, status: h.status as TIntegrationHealth["status"],
    lastDeliveryAt: iso(h.lastDeliveryAt), lastProcessedAt: iso(h.lastProcessedAt),
    lastProcessingFailedAt: iso(h.lastProcessingFailedAt), lastProcessingError: h.lastProcessingError, events: h.events,
    sync: {
      state: h.sync.state as TIntegrationHealth["sync"]["state"], requestedAt: iso(h.sync.requestedAt), lastStartedAt: iso(h.sync.lastStartedAt),
      lastSucceededAt: iso(h.sync.lastSucceededAt), lastFailedAt: iso(h.sync.lastFailedAt), lastError: h.sync.lastError,
      consecutiveFailures: h.sync.consecutiveFailures, cursor: h.sync.cursor,
    },
  };
}
