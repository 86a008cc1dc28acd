import { verifySignature } from "../verify-signature.ts";
import type { WebhookProvider } from "./provider.ts";

/**
 * Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`, ±5 minutes), verified by
 * the `standardwebhooks` library. The event type is the body's `type` (`unknown` when absent).
 */
export const standardWebhooksProvider: WebhookProvider = {
  name: "standard-webhooks",
  headers: ["webhook-id", "webhook-timestamp", "webhook-signature"],
  verify(secrets, body, header) {
    const verified = verifySignature(secrets, body, {
      "webhook-id": header("webhook-id"),
      "webhook-timestamp": header("webhook-timestamp"),
      "webhook-signature": header("webhook-signature"),
    });
    const type = verified.payload.type;
    return { id: verified.id, eventType: typeof type === "string" && type ? type : "unknown", payload: verified.payload };
  },
};
