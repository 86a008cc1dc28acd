import { fileURLToPath } from "node:url";
import { connect } from "@nats-io/transport-node";
import { createEnvelope } from "@spine/contracts";
import { newId } from "@spine/domain";
import { createRawStream, deleteStream, rawPubSubLatency } from "../baseline/raw-jetstream.ts";
import { createBenchEnv } from "../lib/bench-env.ts";
import { startChild, stopChild } from "../lib/child.ts";
import { commitAtRateInChild } from "../lib/commit-generator.ts";
import { CpuMeter } from "../lib/cpu.ts";
import { startRealtimeStack, until } from "../lib/realtime-setup.ts";
import { emit, emitMemory } from "../lib/report.ts";
import { connectBareFleet, connectSpineFleet, control } from "../lib/socket-fleet.ts";
import { ratio, summarize } from "../lib/stats.ts";

const bareServer = fileURLToPath(new URL("../baseline/bare-socket-server.ts", import.meta.url));
const at = () => performance.timeOrigin + performance.now();

/**
 * End to end: commit → relay → JetStream → gateway → Socket.IO client, with `clients` clients over
 * `workspaces` workspaces, at each rate — against a bare Socket.IO server emitting the same payloads
 * to the same rooms (clients of both fleets do the same work per message), and against raw JetStream
 * publish-to-consume.
 *
 * The worker is relay-only for the main rows (`SPINE_WORKER_CONSUMERS=none`); one more row at the top
 * rate runs the full worker (usage metering's statements on the same cores). The commit generator runs
 * in a process of its own. The headline is Δp50 / Δp99 in ms over bare Socket.IO, with the achieved
 * commit rate and the CPU µs per event of each process.
 */
export async function benchEndToEnd(options: { clients: number; workspaces: number; rates: number[]; seconds: number }): Promise<void> {
  const env = await createBenchEnv(options.workspaces);
  const stack = await startRealtimeStack(env, "E2E");
  const bare = await startChild(bareServer, ["0"]);
  const rawStream = `BENCH_E2ERAW_${env.runId}`;
  const rawPrefix = `be2eraw${env.runId}`;
  await createRawStream(env.natsUrl, rawStream, rawPrefix);
  const perEvent = options.clients / options.workspaces;
  const commitTimes = new Map<string, number>();
  // Every delivery is recorded and matched to its commit afterwards: a delivery can arrive before
  // the generator's own commit callback has run, and none may go uncounted.
  let deliveries: { id: string; at: number }[] = [];
  let bareLatencies: number[] = [];
  // Where the time goes: a plain subscription sees each envelope when the relay publishes it.
  const seenOnNats = new Map<string, number>();
  const tap = await connect({ servers: env.natsUrl });
  tap.subscribe(`${stack.prefix}.>`, {
    callback: (_err, msg) => {
      const id = (msg.json<{ event_id?: string }>()).event_id;
      if (id && !seenOnNats.has(id)) seenOnNats.set(id, at());
    },
  });
  let gatewayLeg: number[] = [];
  try {
    const spineFleet = await connectSpineFleet({
      url: stack.gateway.url, token: stack.token, count: options.clients,
      workspaceOf: (i) => env.workspaceIds[i % options.workspaces]!,
      onEnvelope: (e) => {
        const now = at();
        deliveries.push({ id: e.event_id, at: now });
        const published = seenOnNats.get(e.event_id);
        if (published !== undefined) gatewayLeg.push(now - published);
      },
    });
    const bareUrl = `http://127.0.0.1:${String(bare.info.port)}`;
    const bareFleet = await connectBareFleet({ url: bareUrl, count: options.clients, roomOf: (i) => `r${i % options.workspaces}`, onMessage: (m) => bareLatencies.push(at() - m.t) });
    const sample = createEnvelope({ type: "project.created", payload: { project_id: newId(), name: "sample" }, workspaceId: env.workspaceIds[0]!, actorId: env.userId, correlationId: "bench" });

    const runRate = async (rate: number, label: string) => {
      deliveries = [];
      gatewayLeg = [];
      const firstCommit = commitTimes.size;
      const spineCpu = new CpuMeter({ gateway: stack.gateway.child.pid ?? 0, worker: stack.worker.child.pid ?? 0, postgres: "postgres", clients: "self" }).start();
      const gen = await commitAtRateInChild({ appUrl: env.db.appUrl, workspaceIds: env.workspaceIds, actorId: env.userId, rate, seconds: options.seconds, commitTimes, connections: 16 });
      const expected = gen.committed * perEvent;
      await until(() => deliveries.length >= expected, 60_000);
      const spineCpuPerEvent = spineCpu.perOp(gen.committed);
      const spineLatencies = deliveries.flatMap((d) => {
        const committed = commitTimes.get(d.id);
        return committed === undefined ? [] : [d.at - committed];
      });
      const spine = summarize(spineLatencies);
      const distinct = new Set(deliveries.map((d) => d.id)).size;
      if (deliveries.length !== expected || distinct !== gen.committed) {
        process.stdout.write(`e2e        !! ${label}: ${deliveries.length} deliveries of ${expected} expected, ${distinct} distinct events of ${gen.committed} committed\n`);
      }
      const relayLeg = summarize(
        [...commitTimes.entries()].slice(firstCommit).flatMap(([id, t]) => {
          const seen = seenOnNats.get(id);
          return seen === undefined ? [] : [seen - t];
        }),
      );
      const gateway = summarize(gatewayLeg);
      process.stdout.write(`e2e        ${label} breakdown: commit→NATS p50=${relayLeg.p50} p99=${relayLeg.p99} ms; NATS→socket p50=${gateway.p50} p99=${gateway.p99} ms\n`);
      process.stdout.write(`BENCH ${JSON.stringify({ bench: "e2e", variant: label, metric: "breakdown", relay_leg: relayLeg, gateway_leg: gateway })}\n`);

      bareLatencies = [];
      const bareCpu = new CpuMeter({ "bare-socket.io": bare.child.pid ?? 0, clients: "self" }).start();
      await control(bareUrl, "blast", { rooms: env.workspaceIds.map((_, i) => `r${i}`), rate, seconds: options.seconds, payload: sample });
      await until(() => bareLatencies.length >= expected, 60_000);
      const bareCpuPerEvent = bareCpu.perOp(rate * options.seconds);
      const bareSummary = summarize(bareLatencies);
      const js = await rawPubSubLatency(env.natsUrl, rawStream, rawPrefix, rate, options.seconds);

      const variant = `${label} ${options.clients}c/${options.workspaces}ws`;
      const extra = { spine_received: deliveries.length, distinct_events: distinct, committed: gen.committed, expected, target_rate: rate, achieved_commit_rate: gen.achievedRate };
      const cpu = { spine: spineCpuPerEvent, baseline: bareCpuPerEvent };
      const delta = (q: "p50" | "p99") => Math.round((spine[q] - bareSummary[q]) * 10) / 10;
      process.stdout.write(
        `e2e        ${variant.padEnd(28)} Δp50=${delta("p50")} ms  Δp99=${delta("p99")} ms over bare Socket.IO; commits ${gen.achievedRate}/s of ${rate}/s (${Math.round((gen.achievedRate / rate) * 100)} %)\n`,
      );
      process.stdout.write(`BENCH ${JSON.stringify({ bench: "e2e", variant, metric: "delta vs socket.io", delta_p50_ms: delta("p50"), delta_p99_ms: delta("p99"), ...extra, cpu })}\n`);
      for (const q of ["p50", "p99", "max"] as const) {
        emit({ bench: "e2e", variant, metric: `${q} vs socket.io`, spine: spine[q], baseline: bareSummary[q], ratio: ratio(spine[q], bareSummary[q]), unit: "ms", extra, ...(q === "p50" ? { cpu } : {}) });
        emit({ bench: "e2e", variant, metric: `${q} vs jetstream`, spine: spine[q], baseline: js[q], ratio: ratio(spine[q], js[q]), unit: "ms" });
      }
    };

    for (const rate of options.rates) await runRate(rate, `${rate}/s`);
    // The same path with the worker's consumers (usage metering) on the measured cores: a separate row.
    const top = Math.max(...options.rates);
    await stack.restartWorker("all");
    await runRate(top, `${top}/s +consumers`);
    emitMemory("e2e", { bench: "self", gateway: stack.gateway.child.pid ?? "self", worker: stack.worker.child.pid ?? "self", "bare-socket.io": bare.child.pid ?? "self" });
    for (const c of spineFleet) c.close();
    for (const s of bareFleet) s.close();
  } finally {
    await tap.close();
    await stopChild(bare.child);
    await stack.stop();
    await deleteStream(env.natsUrl, rawStream);
    await deleteStream(env.natsUrl, stack.stream);
    await env.close();
  }
}
