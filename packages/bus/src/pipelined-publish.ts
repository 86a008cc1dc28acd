import { createInbox, headers, type Msg, type NatsConnection, type Subscription } from "@nats-io/nats-core";
import { errorMessage } from "./errors.ts";

export interface PipelinedMessage {
  subject: string;
  /** The message body as it is sent (a stored envelope's JSON text). */
  data: string | Uint8Array;
  /** `Nats-Msg-Id`: the stream drops a second message with the same id inside its duplicate window. */
  msgId: string;
}

export type PublishOutcome = { ok: true; duplicate: boolean } | { ok: false; error: string };

/** The reply-subject prefix the connection was made with (`connectNats` sets one per NATS user). */
function inboxPrefixOf(nc: NatsConnection): string | undefined {
  return (nc as unknown as { options?: { inboxPrefix?: string } }).options?.inboxPrefix;
}

/** The stream's answer to one publish: a PubAck, a JetStream error, or "no responders" (no stream takes the subject). */
function outcomeOf(msg: Msg): PublishOutcome {
  if (msg.data.length === 0 && msg.headers?.code === 503) return { ok: false, error: "no responders: no stream takes this subject" };
  try {
    const ack = msg.json<{ stream?: string; duplicate?: boolean; error?: { description?: string; code?: number } }>();
    if (ack.error) return { ok: false, error: `jetstream: ${ack.error.description ?? "error"} (${String(ack.error.code ?? "")})` };
    if (!ack.stream) return { ok: false, error: "invalid publish ack" };
    return { ok: true, duplicate: ack.duplicate === true };
  } catch (err) {
    return { ok: false, error: `invalid publish ack: ${errorMessage(err)}` };
  }
}

/**
 * Publish messages to JetStream pipelined, with one reply subscription for the whole batch: each
 * message goes out as a core NATS publish with its `Nats-Msg-Id` and a reply subject of its own under
 * a fresh inbox (`<inbox>.<index>`), and the stream's PubAck comes back there. It is what `js.publish`
 * does for one message — a request with its own timer, mux entry and promise, and an Error built on
 * every answer (nats.js's `RequestOne.cancel`) — done once per batch. The subscription is sent before
 * the publishes on the same connection, so the server has it before any answer.
 *
 * `onSent` runs once every message is handed to the connection. Resolves with one outcome per message,
 * in order; a message the connection refuses (e.g. larger than the server's `max_payload`) fails alone, and
 * one with no answer after `timeoutMs` (NATS down, a lost ack) failed, and may still have reached the
 * stream — a re-send with the same id is then dropped as a duplicate.
 */
export function publishPipelined(
  nc: NatsConnection,
  messages: readonly PipelinedMessage[],
  options: { timeoutMs: number; onSent?: () => void },
): Promise<PublishOutcome[]> {
  const outcomes: PublishOutcome[] = new Array<PublishOutcome>(messages.length);
  if (messages.length === 0) {
    options.onSent?.();
    return Promise.resolve(outcomes);
  }
  const inbox = createInbox(inboxPrefixOf(nc));
  let answered = 0;
  let sub: Subscription | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new Promise<PublishOutcome[]>((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      sub?.unsubscribe();
      for (let i = 0; i < outcomes.length; i++) outcomes[i] ??= { ok: false, error: `no publish ack within ${options.timeoutMs} ms` };
      resolve(outcomes);
    };
    try {
      sub = nc.subscribe(`${inbox}.*`, {
        callback: (err, msg) => {
          if (err) {
            // The reply subscription itself failed (e.g. refused by the server): no answer will come.
            const error = `publish acks lost: ${errorMessage(err)}`;
            for (let i = 0; i < outcomes.length; i++) outcomes[i] ??= { ok: false, error };
            return finish();
          }
          const index = Number(msg.subject.slice(inbox.length + 1));
          if (!Number.isInteger(index) || index < 0 || index >= outcomes.length || outcomes[index] !== undefined) return;
          outcomes[index] = outcomeOf(msg);
          if (++answered === outcomes.length) finish();
        },
      });
      timer = setTimeout(finish, options.timeoutMs);
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i]!;
        try {
          const h = headers();
          h.set("Nats-Msg-Id", m.msgId);
          nc.publish(m.subject, m.data, { reply: `${inbox}.${i}`, headers: h });
        } catch (err) {
          // Refused before it left (larger than the server's max_payload, a closed connection): this message
          // failed; the others go on and their acks are still awaited.
          outcomes[i] = { ok: false, error: errorMessage(err) };
          answered += 1;
        }
      }
      if (answered === outcomes.length) finish();
    } catch (err) {
      // The reply subscription could not be made (a closed or draining connection): nothing was sent.
      const error = errorMessage(err);
      for (let i = 0; i < outcomes.length; i++) outcomes[i] ??= { ok: false, error };
      finish();
    } finally {
      options.onSent?.();
    }
  });
}
