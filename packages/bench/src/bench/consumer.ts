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

const effectHandler = (name: string, batch?: { max: number }) =>
  defineWorkerHandler({
    name,
    eventTypes: ["project.created"],
    ...(batch ? { batch } : {}),
    async handle(envelope, { op }) {
      await op.em.execute("insert into activity_logs (id, workspace_id, verb, target_type, summary) values (?, ?, 'bench', 'event', 'spine effect')", [
        newId(),
        envelope.workspace_id,
      ]);
    },
  });

/** The batched variant's events per transaction (`handler.batch`, as usage metering uses). */
const BATCH_MAX = 100;

/**
 * Consumer: idempotent handler throughput (job_runs row + one effect row per event) vs the same inserts done raw;
 * once one event per transaction, once batched (`handler.batch`, up to BATCH_MAX events of a workspace per transaction).
 */
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
    const consume = async (handler: ReturnType<typeof effectHandler>) => {
      let done = 0;
      let finished: () => void = () => undefined;
      const allDone = new Promise<void>((resolve) => (finished = resolve));
      const count = (n: number) => {
        done += n;
        if (done >= options.events) finished();
      };
      const counting: typeof ledger = {
        ...ledger,
        async applyOnce(run, apply) {
          const outcome = await ledger.applyOnce(run, apply);
          if (outcome === "applied") count(1);
          return outcome;
        },
        async applyBatch(runs, apply) {
          await ledger.applyBatch!(runs, apply);
          count(runs.length);
        },
      };
      const runner = new ConsumerRunner({ js: jetstream(nc), jsm, stream, prefix, handler, ledger: counting, concurrency: options.concurrency });
      await runner.ensure();
      await settleDatabase(env.db.ownerUrl);
      const cpu = new CpuMeter({ consumer: "self", postgres: "postgres" }).start();
      const t0 = nowMs();
      runner.start();
      await Promise.race([allDone, new Promise((r) => setTimeout(r, 600_000))]);
      const seconds = (nowMs() - t0) / 1000;
      const cpuPerOp = cpu.perOp(done);
      await runner.stop();
      return { done, rate: Math.round(done / seconds), cpuPerOp };
    };
    const single = await consume(effectHandler("bench-effect"));
    const batched = await consume(effectHandler("bench-effect-batch", { max: BATCH_MAX }));
    await settleDatabase(env.db.ownerUrl);
    const rawCpu = new CpuMeter({ consumer: "self", postgres: "postgres" }).start();
    const raw = await rawConsumerInserts(env.db.appUrl, env.workspaceIds[0]!, options.events);
    const rawCpuPerOp = rawCpu.perOp(options.events);
    for (const [variant, r] of [[`events=${options.events} concurrency=${options.concurrency}`, single], [`events=${options.events} concurrency=${options.concurrency} batch=${BATCH_MAX}`, batched]] as const) {
      emit({ bench: "consumer", variant, metric: "throughput", spine: r.rate, baseline: raw.perSecond, ratio: ratio(r.rate, raw.perSecond), unit: "events/s", cpu: { spine: r.cpuPerOp, baseline: rawCpuPerOp }, extra: { applied: r.done } });
    }
    emitMemory("consumer", { "bench(consumer in-process)": "self" });
  } finally {
    await domain.close();
    await deleteStream(env.natsUrl, stream);
    await nc.close();
    await env.close();
  }
}
