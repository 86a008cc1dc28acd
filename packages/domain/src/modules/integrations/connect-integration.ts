import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { newId } from "../../shared/ids.ts";
import { Integration } from "./entities.ts";
import { sealCredentials, sealWebhookSecret } from "./integration-secrets.ts";
import { toIntegrationView, type IntegrationView } from "./integration-view.ts";

export interface ConnectIntegrationInput {
  provider: string;
  name: string;
  config?: Record<string, unknown>;
  /** Stored, never returned: the view only says whether credentials are set. */
  credentials: Record<string, unknown>;
  webhookSecret?: string | null;
}

/** Connect a provider to the workspace (audited with secrets redacted; announces integration.connected). */
export async function connectIntegration(op: Operation, input: ConnectIntegrationInput): Promise<IntegrationView> {
  if (!input.provider.trim()) throw AppError.badRequest("provider is required", [{ path: "provider", message: "required" }]);
  if (!input.name.trim()) throw AppError.badRequest("name is required", [{ path: "name", message: "required" }]);
  const id = newId();
  const integration = op.em.create(Integration, {
    id,
    workspaceId: op.workspaceId,
    provider: input.provider,
    name: input.name,
    status: "connected",
    config: input.config ?? {},
    // Secrets are sealed before they reach the entity: the database never holds them in clear.
    credentials: sealCredentials(op.keyRing, id, input.credentials),
    webhookSecret: sealWebhookSecret(op.keyRing, id, input.webhookSecret ?? null),
    connectedBy: op.ctx.actorType === "user" ? op.ctx.actorId : null,
  });
  await op.em.flush();
  op.emit("integration.connected", { integration_id: integration.id, provider: integration.provider });
  return toIntegrationView(integration);
}
