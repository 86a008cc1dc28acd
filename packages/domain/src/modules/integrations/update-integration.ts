import type { Operation } from "../../context/operation.ts";
import { findIntegration } from "./find-integration.ts";
import { openWebhookSecrets, sealCredentials, sealWebhookSecret } from "./integration-secrets.ts";
import { toIntegrationView, type IntegrationView } from "./integration-view.ts";

export interface UpdateIntegrationInput {
  integrationId: string;
  name?: string;
  config?: Record<string, unknown>;
  /** Replaces the stored credentials (rotation); never echoed back. */
  credentials?: Record<string, unknown>;
  webhookSecret?: string | null;
}

/** Change an integration's name, config or secrets; the event names the changed fields, never their values. */
export async function updateIntegration(op: Operation, input: UpdateIntegrationInput): Promise<IntegrationView> {
  const integration = await findIntegration(op, input.integrationId);
  const changed: string[] = [];
  if (input.name !== undefined && input.name !== integration.name) {
    integration.name = input.name;
    changed.push("name");
  }
  if (input.config !== undefined) {
    integration.config = input.config;
    changed.push("config");
  }
  if (input.credentials !== undefined) {
    integration.credentials = sealCredentials(op.keyRing, integration.id, input.credentials);
    changed.push("credentials");
  }
  if (input.webhookSecret !== undefined && input.webhookSecret !== (openWebhookSecrets(op, integration).join(" ") || null)) {
    integration.webhookSecret = sealWebhookSecret(op.keyRing, integration.id, input.webhookSecret);
    changed.push("webhook_secret");
  }
  await op.em.flush();
  if (changed.length > 0) {
    op.emit("integration.updated", { integration_id: integration.id, provider: integration.provider, changed_fields: changed });
  }
  return toIntegrationView(integration);
}
