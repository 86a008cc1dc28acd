import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { ConsumerRunner, ensureEventsStream } from "@spine/bus";
import { subjectFor } from "@spine/contracts";
import { Domain, newId } from "@spine/domain";
import { defineWorkerHandler, jobLedger } from "@spine/worker/wiring";
import { deleteStream, rawPublish } from "../baseline/raw-jetstream.ts";
import { rawConsumerInserts } from "../baseline/raw-consumer.ts";
import { createBenchEnv, settleDatabase } from "../lib/bench-env.ts";
import { CpuMeter } from "../lib/cpu.ts";
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

    // Completions are counted in-process, as the ledger reports each applied operation (no polling).
    const ledger = jobLedger(domain);
    let done = 0;
    let finished: () => void = () => undefined;
    const allDone = new Promise<void>((resolve) => (finished = resolve));
    const counting: typeof ledger = {
      ...ledger,
      async applyOnce(run, apply) {
        const outcome = await ledger.applyOnce(run, apply);
        if (outcome === "applied" && ++done >= options.events) finished();
        return outcome;
      },
    };
    const runner = new ConsumerRunner({ js: jetstream(nc), jsm, stream, prefix, handler: effect, ledger: counting, concurrency: options.concurrency });
    await runner.ensure();
    await settleDatabase(env.db.ownerUrl);
    const spineCpu = new CpuMeter({ consumer: "self", postgres: "postgres" }).start();
    const t0 = nowMs();
    runner.start();
    await Promise.race([allDone, new Promise((r) => setTimeout(r, 600_000))]);
    const seconds = (nowMs() - t0) / 1000;
    const spineCpuPerOp = spineCpu.perOp(done);
    await runner.stop();
    const spineRate = Math.round(done / seconds);
    await settleDatabase(env.db.ownerUrl);
    const rawCpu = new CpuMeter({ consumer: "self", postgres: "postgres" }).start();
    const raw = await rawConsumerInserts(env.db.appUrl, env.workspaceIds[0]!, options.events);
    const rawCpuPerOp = rawCpu.perOp(options.events);
    emit({ bench: "consumer", variant: `events=${options.events} concurrency=${options.concurrency}`, metric: "throughput", spine: spineRate, baseline: raw.perSecond, ratio: ratio(spineRate, raw.perSecond), unit: "events/s", cpu: { spine: spineCpuPerOp, baseline: rawCpuPerOp }, extra: { applied: done } });
    emitMemory("consumer", { "bench(consumer in-process)": "self" });
  } finally {
    await domain.close();
    await deleteStream(env.natsUrl, stream);
    await nc.close();
    await env.close();
  }
}
