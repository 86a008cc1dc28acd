import type { NatsConnection, Subscription } from "@nats-io/nats-core";
import { safeParseEnvelope, type AnyEnvelope } from "@spine/contracts";

export type TailedMessage =
  | { subject: string; ok: true; envelope: AnyEnvelope }
  | { subject: string; ok: false; error: string; data: string };

/**
 * Follow envelopes live on a subject pattern (e.g. `evt.*.project.>`) with a plain subscription:
 * what internal tools may do with their subscribe-only NATS user.
 */
export function tailEvents(nc: NatsConnection, pattern: string, onMessage: (message: TailedMessage) => void): Subscription {
  return nc.subscribe(pattern, {
    callback: (err, msg) => {
      if (err) return;
      const data = msg.string();
      let json: unknown;
      try {
        json = JSON.parse(data) as unknown;
      } catch {
        onMessage({ subject: msg.subject, ok: false, error: "not JSON", data });
        return;
      }
      const parsed = safeParseEnvelope(json);
      if (parsed.ok) onMessage({ subject: msg.subject, ok: true, envelope: parsed.envelope });
      else onMessage({ subject: msg.subject, ok: false, error: parsed.error.message, data });
    },
  });
}
