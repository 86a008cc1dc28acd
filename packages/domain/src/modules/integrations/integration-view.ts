import { redact } from "../../uow/redact.ts";
import type { Integration } from "./entities.ts";

/** What an integration looks like outside the domain: secrets reduced to whether they are set. */
export interface IntegrationView {
  id: string;
  workspaceId: string;
  provider: string;
  name: string;
  status: string;
  config: Record<string, unknown>;
  hasCredentials: boolean;
  hasWebhookSecret: boolean;
  connectedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export function toIntegrationView(integration: Integration): IntegrationView {
  return {
    id: integration.id,
    workspaceId: integration.workspaceId,
    provider: integration.provider,
    name: integration.name,
    status: integration.status,
    config: redact(integration.config) as Record<string, unknown>,
    hasCredentials: Object.keys(integration.credentials).length > 0,
    hasWebhookSecret: integration.webhookSecret != null,
    connectedBy: integration.connectedBy ?? null,
    createdAt: integration.createdAt,
    updatedAt: integration.updatedAt,
    deletedAt: integration.deletedAt ?? null,
  };
}
