import { Webhook, WebhookVerificationError } from "standardwebhooks";

export type WebhookRejection = "missing_headers" | "bad_timestamp" | "bad_signature" | "no_secret" | "bad_payload";

/** A webhook that failed verification; `reason` is safe to return to the sender. */
export class WebhookRejectedError extends Error {
  override readonly name = "WebhookRejectedError";
  constructor(
    readonly reason: WebhookRejection,
    options?: { cause?: unknown },
  ) {
    super(`webhook rejected: ${reason}`, options);
  }
  static isWebhookRejectedError(err: unknown): err is WebhookRejectedError {
    return err instanceof WebhookRejectedError;
  }
}

export interface VerifiedWebhook {
  /** The sender's `webhook-id`: the source event id used for deduplication. */
  id: string;
  timestamp: Date;
  payload: Record<string, unknown>;
}

/**
 * Standard Webhooks verification (`webhook-id`, `webhook-timestamp`, `webhook-signature`):
 * HMAC-SHA256, ±5 minutes tolerance, constant-time comparison, several `v1,` signatures accepted.
 * `secrets` holds the current secret and, during a rotation, the previous ones.
 */
export function verifySignature(secrets: readonly string[], body: string, headers: Record<string, string | undefined>): VerifiedWebhook {
  if (secrets.length === 0) throw new WebhookRejectedError("no_secret");
  const id = headers["webhook-id"];
  const ts = headers["webhook-timestamp"];
  if (!id || !ts || !headers["webhook-signature"]) throw new WebhookRejectedError("missing_headers");
  const plain: Record<string, string> = {
    "webhook-id": id,
    "webhook-timestamp": ts,
    "webhook-signature": headers["webhook-signature"],
  };
  let lastError: unknown;
  for (const secret of secrets) {
    try {
      const parsed: unknown = new Webhook(secret).verify(body, plain);
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new WebhookRejectedError("bad_payload");
      return { id, timestamp: new Date(Number(ts) * 1000), payload: parsed as Record<string, unknown> };
    } catch (err) {
      if (err instanceof WebhookRejectedError) throw err;
      if (err instanceof SyntaxError) throw new WebhookRejectedError("bad_payload", { cause: err });
      if (!(err instanceof WebhookVerificationError)) throw err;
      if (/timestamp/i.test(err.message) || /Invalid Signature Headers/.test(err.message)) throw new WebhookRejectedError("bad_timestamp", { cause: err });
      lastError = err;
    }
  }
  throw new WebhookRejectedError("bad_signature", { cause: lastError });
}

/** Sign a body the way a Standard Webhooks sender does (for tests, tools and outbound webhooks). */
export function signWebhook(secret: string, id: string, timestamp: Date, body: string): Record<string, string> {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, timestamp, body),
  };
}
