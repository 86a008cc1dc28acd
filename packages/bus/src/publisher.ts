import type { JetStreamClient, PubAck } from "@nats-io/jetstream";
import { subjectFor, type TEnvelope } from "@spine/contracts";
import { BusError } from "./errors.ts";

export interface PublishOptions {
  /** Subject prefix (`evt` in production). */
  prefix: string;
  timeoutMs?: number;
}

/** The subject an envelope is published on, from its own fields and the configured prefix. */
export function subjectOf(envelope: Pick<TEnvelope, "workspace_id" | "event_type">, prefix: string): string {
  return subjectFor(envelope.workspace_id, envelope.event_type, prefix);
}

/** Publish one envelope with `msgID = event_id`, so the stream drops re-sends inside its window. */
export async function publishEnvelope(js: JetStreamClient, envelope: TEnvelope, options: PublishOptions): Promise<PubAck> {
  const subject = subjectOf(envelope, options.prefix);
  try {
    return await js.publish(subject, JSON.stringify(envelope), { msgID: envelope.event_id, timeout: options.timeoutMs ?? 5_000 });
  } catch (err) {
    throw BusError.publishFailed(subject, err);
  }
}
