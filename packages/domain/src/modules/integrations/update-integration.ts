import type { Operation } from "../../operation/operation.ts";
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
  // Reconnecting (new credentials) clears a status left by failed syncs.
  const reconnected = input.credentials !== undefined && (integration.status === "disabled" || integration.status === "error");
  if (reconnected) {
    integration.status = "connected";
    changed.push("status");
  }
  await op.em.flush();
  if (reconnected) {
    await op.em.execute(`update integrations set consecutive_sync_failures = 0, sync_state = 'idle', last_sync_error = null where id = ?`, [integration.id]);
  }
  if (changed.length > 0) {
    op.emit("integration.updated", { integration_id: integration.id, provider: integration.provider, changed_fields: changed });
  }
  return toIntegrationView(integration);
}
