import { WebhookRejectedError } from "../verify-signature.ts";
import { hexEqual, hmacHex, parseObject, type WebhookProvider } from "./provider.ts";

/** Stripe's default tolerance between the signed timestamp and now. */
export const STRIPE_TOLERANCE_SECONDS = 300;

/**
 * Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]` where each `v1` is the hex
 * HMAC-SHA256 of `<t>.<raw body>` keyed with the endpoint secret; any matching `v1` verifies
 * (Stripe sends several while an endpoint secret is rolled). The event id is the body's `id`,
 * the type its `type`.
 */
export const stripeProvider: WebhookProvider = {
  name: "stripe",
  headers: ["stripe-signature"],
  verify(secrets, body, header, now) {
    if (secrets.length === 0) throw new WebhookRejectedError("no_secret");
    const raw = header("stripe-signature");
    if (!raw) throw new WebhookRejectedError("missing_headers");
    let t: string | undefined;
    const v1: string[] = [];
    for (const part of raw.split(",")) {
      const eq = part.indexOf("=");
      const key = part.slice(0, eq).trim();
      const value = part.slice(eq + 1).trim();
      if (key === "t") t = value;
      else if (key === "v1") v1.push(value);
    }
    if (!t || !/^\d{1,12}$/.test(t) || v1.length === 0) throw new WebhookRejectedError("missing_headers");
    if (Math.abs(now.getTime() / 1000 - Number(t)) > STRIPE_TOLERANCE_SECONDS) throw new WebhookRejectedError("bad_timestamp");
    let ok = false;
    for (const secret of secrets) {
      const expected = hmacHex(secret, `${t}.${body}`);
      for (const given of v1) if (hexEqual(expected, given)) ok = true;
    }
    if (!ok) throw new WebhookRejectedError("bad_signature");
    const payload = parseObject(body);
    if (typeof payload.id !== "string" || !payload.id || typeof payload.type !== "string" || !payload.type) {
      throw new WebhookRejectedError("bad_payload");
    }
    return { id: payload.id, eventType: payload.type, payload };
  },
};

/** Sign a body the way Stripe does (for tests and tools); several secrets give several `v1`. */
export function signStripe(secrets: string | readonly string[], timestamp: Date, body: string): Record<string, string> {
  const t = String(Math.floor(timestamp.getTime() / 1000));
  const list = typeof secrets === "string" ? [secrets] : secrets;
  return { "stripe-signature": [`t=${t}`, ...list.map((s) => `v1=${hmacHex(s, `${t}.${body}`)}`)].join(",") };
}
