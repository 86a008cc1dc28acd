import { connect } from "@nats-io/transport-node";
import { DeliverPolicy, jetstream, jetstreamManager, StorageType } from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";
import { publishPipelined } from "@spine/bus";
import { nowMs, summarize, type LatencySummary } from "../lib/stats.ts";

export interface RawStream {
  name: string;
  prefix: string;
}

export async function createRawStream(natsUrl: string, name: string, prefix: string): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name, subjects: [`${prefix}.>`], storage: StorageType.File, duplicate_window: nanos(120_000) });
  } finally {
    await nc.close();
  }
}

export async function deleteStream(natsUrl: string, name: string): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(name).catch(() => false);
  } finally {
    await nc.close();
  }
}

/**
 * The relay's ceiling: pipelined JetStream publishes of the same envelopes with message ids, on a
 * connection without async traces as Spine's own (`connectNats`), so the ratio is the relay's work alone.
 */
export async function rawPublish(natsUrl: string, messages: { subject: string; id: string; data: Uint8Array }[], window = 1000): Promise<{ perSecond: number; seconds: number }> {
  const nc = await connect({ servers: natsUrl, noAsyncTraces: true });
  const js = jetstream(nc);
  const start = nowMs();
  for (let i = 0; i < messages.length; i += window) {
    const batch = messages.slice(i, i + window);
    await Promise.all(batch.map((m) => js.publish(m.subject, m.data, { msgID: m.id })));
  }
  const seconds = (nowMs() - start) / 1000;
  await nc.close();
  return { perSecond: Math.round(messages.length / seconds), seconds: Math.round(seconds * 100) / 100 };
}

/**
 * A second ceiling for the relay, the same publish path it uses (`publishPipelined`: core publishes with a
 * reply inbox per batch instead of `js.publish`'s request per message), in windows of the same size, so the
 * ratio against it is the relay's database work and bookkeeping alone.
 */
export async function rawPublishPipelined(natsUrl: string, messages: { subject: string; id: string; data: Uint8Array }[], window = 1000): Promise<{ perSecond: number; seconds: number }> {
  const nc = await connect({ servers: natsUrl, noAsyncTraces: true });
  const start = nowMs();
  for (let i = 0; i < messages.length; i += window) {
    const batch = messages.slice(i, i + window).map((m) => ({ subject: m.subject, data: m.data, msgId: m.id }));
    const outcomes = await publishPipelined(nc, batch, { timeoutMs: 10_000 });
    if (outcomes.some((o) => !o.ok)) throw new Error("bench: a raw pipelined publish failed");
  }
  const seconds = (nowMs() - start) / 1000;
  await nc.close();
  return { perSecond: Math.round(messages.length / seconds), seconds: Math.round(seconds * 100) / 100 };
}

/** Publish-to-consume latency of bare JetStream at a fixed rate (ordered consumer). */
export async function rawPubSubLatency(natsUrl: string, stream: string, prefix: string, rate: number, seconds: number): Promise<LatencySummary> {
  const nc = await connect({ servers: natsUrl });
  const js = jetstream(nc);
  // The stream captures only `<prefix>.>`; an unfiltered ordered consumer works on NATS 2.9 too.
  const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.New });
  const latencies: number[] = [];
  const total = rate * seconds;
  const messages = await consumer.consume();
  const done = (async () => {
    for await (const m of messages) {
      const sentAt = Number(m.headers?.get("sent-at") ?? m.string());
      latencies.push(performance.timeOrigin + performance.now() - sentAt);
      if (latencies.length >= total) break;
    }
  })();
  const interval = 1000 / rate;
  const t0 = nowMs();
  const acks: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + i * interval;
    const wait = due - nowMs();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    acks.push(js.publish(`${prefix}.ws.latency`, String(performance.timeOrigin + performance.now())));
  }
  await Promise.all(acks);
  await Promise.race([done, new Promise((r) => setTimeout(r, 30_000))]);
  await messages.close();
  await nc.close();
  return summarize(latencies);
}
