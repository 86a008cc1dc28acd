import { randomBytes } from "node:crypto";

/** The shared nats-server tests use when they do not stop it. */
export const TEST_NATS_URL = process.env.SPINE_TEST_NATS_URL ?? "nats://127.0.0.1:4222";

export interface NatsTestNames {
  /** Subject prefix instead of `evt`, so streams of parallel runs never capture the same subjects. */
  prefix: string;
  /** Stream name for this run's events stream. */
  stream: string;
  suffix: string;
}

/** Random stream name and subject prefix for one test file. */
export function natsTestNames(label = "t"): NatsTestNames {
  const suffix = `${label}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  return { prefix: `tevt_${suffix}`, stream: `EVENTS_${suffix}`.toUpperCase(), suffix };
}
