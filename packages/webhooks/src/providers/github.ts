import { WebhookRejectedError } from "../verify-signature.ts";
import { hexEqual, hmacHex, parseObject, type WebhookProvider } from "./provider.ts";

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`, the delivery id in
 * `X-GitHub-Delivery` and the event in `X-GitHub-Event`. GitHub signs no timestamp, so a replay
 * is stopped by deduplication on the delivery id.
 */
export const githubProvider: WebhookProvider = {
  name: "github",
  headers: ["x-hub-signature-256", "x-github-delivery", "x-github-event"],
  verify(secrets, body, header) {
    if (secrets.length === 0) throw new WebhookRejectedError("no_secret");
    const signature = header("x-hub-signature-256");
    const id = header("x-github-delivery");
    const event = header("x-github-event");
    if (!signature || !id || !event) throw new WebhookRejectedError("missing_headers");
    if (!signature.startsWith("sha256=")) throw new WebhookRejectedError("bad_signature");
    const given = signature.slice("sha256=".length);
    let ok = false;
    for (const secret of secrets) if (hexEqual(hmacHex(secret, body), given)) ok = true;
    if (!ok) throw new WebhookRejectedError("bad_signature");
    return { id, eventType: event, payload: parseObject(body) };
  },
};

/** Sign a body the way GitHub does (for tests and tools). */
export function signGithub(secret: string, id: string, event: string, body: string): Record<string, string> {
  return { "x-hub-signature-256": `sha256=${hmacHex(secret, body)}`, "x-github-delivery": id, "x-github-event": event };
}
