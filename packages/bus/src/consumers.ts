import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  ReplayPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";

export interface DurableConsumerOptions {
  stream: string;
  durable: string;
  /** Full subject filter, e.g. `evt.*.project.>`. */
  filterSubject: string;
  /** Server-side delivery limit. */
  maxDeliver: number;
  ackWaitMs: number;
  maxAckPending: number;
  /** Where a NEW durable starts: every retained event (default) or only events published from now on. */
  startFrom?: "all" | "new";
}

/** A durable pull consumer with explicit acks. */
export function durableConsumerConfig(options: DurableConsumerOptions): Partial<ConsumerConfig> & { durable_name: string } {
  return {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: options.startFrom === "new" ? DeliverPolicy.New : DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    filter_subject: options.filterSubject,
    max_deliver: options.maxDeliver,
    ack_wait: nanos(options.ackWaitMs),
    max_ack_pending: options.maxAckPending,
  };
}

function isConsumerNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound;
}

/** Create the durable consumer, or update it to this config: safe at every start and after a stall. */
export async function ensureDurableConsumer(jsm: JetStreamManager, options: DurableConsumerOptions): Promise<ConsumerInfo> {
  const config = durableConsumerConfig(options);
  try {
    await jsm.consumers.info(options.stream, options.durable);
  } catch (err) {
    if (!isConsumerNotFound(err)) throw err;
    return jsm.consumers.add(options.stream, config);
  }
  const { durable_name: _name, deliver_policy: _deliver, replay_policy: _replay, ack_policy: _ack, ...updatable } = config;
  return jsm.consumers.update(options.stream, options.durable, updatable);
}
