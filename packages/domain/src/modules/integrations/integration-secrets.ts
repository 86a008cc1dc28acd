import type { Operation } from "../../operation/operation.ts";
import type { Integration } from "./entities.ts";
import { KeyRing } from "../../shared/key-ring.ts";

/** The stored form of non-empty credentials: one sealed JSON document. */
const SEALED = "$sealed";

const credentialsContext = (integrationId: string) => `integrations.credentials:${integrationId}`;
const webhookSecretContext = (integrationId: string) => `integrations.webhook_secret:${integrationId}`;

export function sealCredentials(keyRing: KeyRing, integrationId: string, credentials: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(credentials).length === 0) return {};
  return { [SEALED]: keyRing.seal(JSON.stringify(credentials), credentialsContext(integrationId)) };
}

export function sealWebhookSecret(keyRing: KeyRing, integrationId: string, secret: string | null): string | null {
  return secret === null ? null : keyRing.seal(secret, webhookSecretContext(integrationId));
}

function sealedCredentials(stored: Record<string, unknown>): string | null {
  const value = stored[SEALED];
  return KeyRing.isSealed(value) ? value : null;
}

/** Open an integration's credentials (a value stored before encryption existed is returned as it is). */
export function openCredentials(op: Operation, integration: Integration): Record<string, unknown> {
  const sealed = sealedCredentials(integration.credentials);
  if (sealed === null) return integration.credentials;
  return JSON.parse(op.keyRing.open(sealed, credentialsContext(integration.id))) as Record<string, unknown>;
}

/** The integration's webhook secrets, newest first (several during a rotation); empty when none is set. */
export function openWebhookSecrets(op: Operation, integration: Integration): string[] {
  const stored = integration.webhookSecret;
  if (stored == null) return [];
  const plain = KeyRing.isSealed(stored) ? op.keyRing.open(stored, webhookSecretContext(integration.id)) : stored;
  return plain.split(/\s+/).filter(Boolean);
}

/**
 * Re-seal one integration's secrets with the active key if they are plaintext or sealed with an
 * older key; true when something changed. Used by `spine keys rotate`.
 */
export function resealIntegration(op: Operation, integration: Integration): boolean {
  const ring = op.keyRing;
  let changed = false;
  const sealed = sealedCredentials(integration.credentials);
  if (Object.keys(integration.credentials).length > 0 && (sealed === null || !ring.isCurrent(sealed))) {
    integration.credentials = sealCredentials(ring, integration.id, openCredentials(op, integration));
    changed = true;
  }
  if (integration.webhookSecret != null && !ring.isCurrent(integration.webhookSecret)) {
    integration.webhookSecret = sealWebhookSecret(ring, integration.id, openWebhookSecrets(op, integration).join(" "));
    changed = true;
  }
  return changed;
}
