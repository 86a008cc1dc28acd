import type { IntegrationView } from "@spine/domain";
import { z } from "zod";
import { iso, ZIdSchema, ZTimestampSchema } from "./common.ts";

/** An integration as the API shows it: secrets reduced to whether they are set, never their values. */
export const ZIntegrationSchema = z.object({
  id: ZIdSchema, workspaceId: ZIdSchema, provider: z.string(), name: z.string(),
  status: z.enum(["connected", "disconnected", "error"]), config: z.record(z.string(), z.unknown()),
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
