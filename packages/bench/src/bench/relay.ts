import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats, ensureEventsStream, OutboxRelay } from "@spine/bus";
import { subjectFor } from "@spine/contracts";
import { createPgPool } from "@spine/domain/reads";
import { outboxStore } from "@spine/worker/wiring";
import { createRawStream, deleteStream, rawPublish, rawPublishPipelined } from "../baseline/raw-jetstream.ts";
import { createBenchEnv, settleDatabase } from "../lib/bench-env.ts";
import { CpuMeter } from "../lib/cpu.ts";
import { buildEnvelopes, loadBacklog } from "../lib/outbox-backlog.ts";
import { emit, emitMemory } from "../lib/report.ts";
import { nowMs, ratio } from "../lib/stats.ts";

/**
 * Relay: drain rate of an outbox backlog vs raw pipelined JetStream publishes of the same envelopes —
 * with the library's `js.publish` (the headline), and with the relay's own publish path
 * (`publishPipelined`), whose ratio is what the database side costs.
 */
export async function benchRelay(options: { events: number }): Promise<void> {
  const env = await createBenchEnv(10);
  const spineStream = `BENCH_RELAY_${env.runId}`;
  const spinePrefix = `brelay${env.runId}`;
  const rawStream = `BENCH_RAW_${env.runId}`;
  const rawPrefix = `braw${env.runId}`;
  const pipedStream = `BENCH_PIPED_${env.runId}`;
  const pipedPrefix = `bpiped${env.runId}`;
  // The relay's connection as the worker makes it.
  const nc = await connectNats({ servers: env.natsUrl, name: "bench-relay" });
  const pool = createPgPool({ connectionString: env.db.systemUrl, max: 4 });
  try {
    const jsm = await jetstreamManager(nc);
    await ensureEventsStream(jsm, { name: spineStream, prefix: spinePrefix });
    await createRawStream(env.natsUrl, rawStream, rawPrefix);
    await createRawStream(env.natsUrl, pipedStream, pipedPrefix);
    const messages = buildEnvelopes(options.events, env.workspaceIds, env.userId);
    await loadBacklog(env.db.ownerUrl, messages);
    await settleDatabase(env.db.ownerUrl);

    const relay = new OutboxRelay({ store: outboxStore(pool), nc, prefix: spinePrefix });
    const spineCpu = new CpuMeter({ relay: "self", postgres: "postgres" }).start();
    const t0 = nowMs();
    const published = await relay.drain();
    const spineSeconds = (nowMs() - t0) / 1000;
    const spineCpuPerOp = spineCpu.perOp(published);
    const spineRate = Math.round(published / spineSeconds);

    const rawCpu = new CpuMeter({ publisher: "self" }).start();
    const raw = await rawPublish(
      env.natsUrl,
      messages.map((m) => ({ subject: subjectFor(m.workspaceId, m.type, rawPrefix), id: m.id, data: new TextEncoder().encode(m.envelope) })),
    );
    const rawCpuPerOp = rawCpu.perOp(messages.length);
    const pipedCpu = new CpuMeter({ publisher: "self" }).start();
    const piped = await rawPublishPipelined(
      env.natsUrl,
      messages.map((m) => ({ subject: subjectFor(m.workspaceId, m.type, pipedPrefix), id: m.id, data: new TextEncoder().encode(m.envelope) })),
    );
    const pipedCpuPerOp = pipedCpu.perOp(messages.length);
    const info = await jsm.streams.info(spineStream);
    const variant = `backlog=${options.events}`;
    const extra = { published, in_stream: info.state.messages, spine_seconds: Math.round(spineSeconds * 100) / 100 };
    emit({ bench: "relay", variant, metric: "drain rate", spine: spineRate, baseline: raw.perSecond, ratio: ratio(spineRate, raw.perSecond), unit: "events/s", cpu: { spine: spineCpuPerOp, baseline: rawCpuPerOp }, extra: { ...extra, raw_seconds: raw.seconds, baseline: "js.publish" } });
    emit({ bench: "relay", variant: `${variant}, same publish path`, metric: "drain rate", spine: spineRate, baseline: piped.perSecond, ratio: ratio(spineRate, piped.perSecond), unit: "events/s", cpu: { spine: spineCpuPerOp, baseline: pipedCpuPerOp }, extra: { ...extra, raw_seconds: piped.seconds, baseline: "publishPipelined" } });
    emitMemory("relay", { "bench(relay in-process)": "self" });
  } finally {
    await pool.end();
    await deleteStream(env.natsUrl, spineStream);
    await deleteStream(env.natsUrl, rawStream);
    await deleteStream(env.natsUrl, pipedStream);
    await nc.close();
    await env.close();
  }
}
