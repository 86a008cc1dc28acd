import { createHmac, timingSafeEqual } from "node:crypto";
import { WebhookRejectedError } from "../verify-signature.ts";

/** Reads one request header by lower-case name. */
export type HeaderReader = (name: string) => string | undefined;

/** A delivery whose signature verified: the sender's delivery id, its event type and the JSON body. */
export interface VerifiedDelivery {
  id: string;
  eventType: string;
  payload: Record<string, unknown>;
}

/**
 * A webhook sender as data: how its deliveries are verified and where the delivery id and the event
 * type are. `secrets` holds the current secret and, during a rotation, the previous ones.
 */
export interface WebhookProvider {
  readonly name: string;
  readonly headers: readonly string[];
  verify(secrets: readonly string[], body: string, header: HeaderReader, now: Date): VerifiedDelivery;
}

/** HMAC-SHA256 of `data` as lower-case hex. */
export function hmacHex(secret: string, data: string): string {
  return createHmac("sha256", secret).update(data, "utf8").digest("hex");
}

/** Constant-time comparison of two hex strings (different lengths never match). */
export function hexEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Parse a verified body as a JSON object, or reject it as `bad_payload`. */
export function parseObject(body: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new WebhookRejectedError("bad_payload", { cause: err });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new WebhookRejectedError("bad_payload");
  return parsed as Record<string, unknown>;
}
