import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import pg from "pg";
import { ConsumerRunner, ensureEventsStream } from "@spine/bus";
import { subjectFor } from "@spine/contracts";
import { Domain, newId } from "@spine/domain";
import { defineWorkerHandler, jobLedger } from "@spine/worker/wiring";
import { deleteStream, rawPublish } from "../baseline/raw-jetstream.ts";
import { rawConsumerInserts } from "../baseline/raw-consumer.ts";
import { createBenchEnv } from "../lib/bench-env.ts";
import { buildEnvelopes } from "../lib/outbox-backlog.ts";
import { emit, emitMemory } from "../lib/report.ts";
import { nowMs, ratio } from "../lib/stats.ts";

const effect = defineWorkerHandler({
  name: "bench-effect",
  eventTypes: ["project.created"],
  async handle(envelope, { op }) {
    await op.em.execute("insert into activity_logs (id, workspace_id, verb, target_type, summary) values (?, ?, 'bench', 'event', 'spine effect')", [
      newId(),
      envelope.workspace_id,
    ]);
  },
});

async function countJobRuns(ownerUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  const { rows } = await client.query<{ n: string }>("select count(*) as n from job_runs where handler = 'bench-effect' and status = 'succeeded'");
  await client.end();
  return Number(rows[0]?.n ?? 0);
}

/** Consumer: idempotent handler throughput (job_runs row + one effect row per event) vs the same inserts done raw. */
export async function benchConsumer(options: { events: number; concurrency: number }): Promise<void> {
  const env = await createBenchEnv(4);
  const stream = `BENCH_CONS_${env.runId}`;
  const prefix = `bcons${env.runId}`;
  const nc = await connect({ servers: env.natsUrl });
  // The worker's own wiring: each event is one domain operation (job_runs row + effect).
  const domain = await Domain.create({ clientUrl: env.db.appUrl, systemUrl: env.db.systemUrl, poolMax: options.concurrency + 2 });
  try {
    const jsm = await jetstreamManager(nc);
    await ensureEventsStream(jsm, { name: stream, prefix });
    const messages = buildEnvelopes(options.events, env.workspaceIds, env.userId);
    await rawPublish(env.natsUrl, messages.map((m) => ({ subject: subjectFor(m.workspaceId, m.type, prefix), id: m.id, data: new TextEncoder().encode(m.envelope) })));

    const runner = new ConsumerRunner({ js: jetstream(nc), jsm, stream, prefix, handler: effect, ledger: jobLedger(domain), concurrency: options.concurrency });
    await runner.ensure();
    const t0 = nowMs();
    runner.start();
    let done = 0;
    while (done < options.events && nowMs() - t0 < 600_000) {
      await new Promise((r) => setTimeout(r, 100));
      done = await countJobRuns(env.db.ownerUrl);
    }
    const seconds = (nowMs() - t0) / 1000;
    await runner.stop();
    const spineRate = Math.round(done / seconds);
    const raw = await rawConsumerInserts(env.db.appUrl, env.workspaceIds[0]!, options.events);
    emit({ bench: "consumer", variant: `events=${options.events} concurrency=${options.concurrency}`, metric: "throughput", spine: spineRate, baseline: raw.perSecond, ratio: ratio(spineRate, raw.perSecond), unit: "events/s", extra: { applied: done } });
    emitMemory("consumer", { "bench(consumer in-process)": "self" });
  } finally {
    await domain.close();
    await deleteStream(env.natsUrl, stream);
    await nc.close();
    await env.close();
  }
}
