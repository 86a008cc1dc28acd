import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { ensureEventsStream, OutboxRelay } from "@spine/bus";
import { subjectFor } from "@spine/contracts";
import { createPgPool } from "@spine/domain/reads";
import { outboxStore } from "@spine/worker/wiring";
import { createRawStream, deleteStream, rawPublish } from "../baseline/raw-jetstream.ts";
import { createBenchEnv, settleDatabase } from "../lib/bench-env.ts";
import { CpuMeter } from "../lib/cpu.ts";
import { buildEnvelopes, loadBacklog } from "../lib/outbox-backlog.ts";
import { emit, emitMemory } from "../lib/report.ts";
import { nowMs, ratio } from "../lib/stats.ts";

/** Relay: drain rate of an outbox backlog vs raw pipelined JetStream publishes of the same envelopes. */
export async function benchRelay(options: { events: number }): Promise<void> {
  const env = await createBenchEnv(10);
  const spineStream = `BENCH_RELAY_${env.runId}`;
  const spinePrefix = `brelay${env.runId}`;
  const rawStream = `BENCH_RAW_${env.runId}`;
  const rawPrefix = `braw${env.runId}`;
  const nc = await connect({ servers: env.natsUrl });
  const pool = createPgPool({ connectionString: env.db.systemUrl, max: 4 });
  try {
    const jsm = await jetstreamManager(nc);
    await ensureEventsStream(jsm, { name: spineStream, prefix: spinePrefix });
    await createRawStream(env.natsUrl, rawStream, rawPrefix);
    const messages = buildEnvelopes(options.events, env.workspaceIds, env.userId);
    await loadBacklog(env.db.ownerUrl, messages);
    await settleDatabase(env.db.ownerUrl);

    const relay = new OutboxRelay({ store: outboxStore(pool), js: jetstream(nc), prefix: spinePrefix });
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
    const info = await jsm.streams.info(spineStream);
    const variant = `backlog=${options.events}`;
    emit({ bench: "relay", variant, metric: "drain rate", spine: spineRate, baseline: raw.perSecond, ratio: ratio(spineRate, raw.perSecond), unit: "events/s", cpu: { spine: spineCpuPerOp, baseline: rawCpuPerOp }, extra: { published, in_stream: info.state.messages, spine_seconds: Math.round(spineSeconds * 100) / 100, raw_seconds: raw.seconds } });
    emitMemory("relay", { "bench(relay in-process)": "self" });
  } finally {
    await pool.end();
    await deleteStream(env.natsUrl, spineStream);
    await deleteStream(env.natsUrl, rawStream);
    await nc.close();
    await env.close();
  }
}
