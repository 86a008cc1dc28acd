import { githubProvider } from "./github.ts";
import type { WebhookProvider } from "./provider.ts";
import { standardWebhooksProvider } from "./standard-webhooks.ts";
import { stripeProvider } from "./stripe.ts";

/** The providers with their own delivery scheme. */
export const WEBHOOK_PROVIDERS: Readonly<Record<string, WebhookProvider>> = {
  [standardWebhooksProvider.name]: standardWebhooksProvider,
  [githubProvider.name]: githubProvider,
  [stripeProvider.name]: stripeProvider,
};

/**
 * The provider that verifies deliveries for an integration's `provider`. Any provider without a
 * scheme of its own (e.g. `linear`, `notion`) is expected to send Standard Webhooks.
 */
export function webhookProviderFor(provider: string): WebhookProvider {
  return WEBHOOK_PROVIDERS[provider] ?? standardWebhooksProvider;
}
