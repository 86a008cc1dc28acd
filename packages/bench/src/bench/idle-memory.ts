import { fileURLToPath } from "node:url";
import { deleteStream } from "../baseline/raw-jetstream.ts";
import type { BenchEnv } from "../lib/bench-env.ts";
import { startChild, stopChild } from "../lib/child.ts";
import { memoryFile, MEMORY_PROBE_NODE_ARGS, sampleAfterGc, type MemorySample } from "../lib/memory-probe.ts";
import { newTokenSecret, startApp } from "../lib/spine-apps.ts";
import { connectBareFleet, connectSpineFleet } from "../lib/socket-fleet.ts";
import { emit } from "../lib/report.ts";
import { ratio } from "../lib/stats.ts";
import { AccessTokenService } from "@spine/auth";

const bareServer = fileURLToPath(new URL("../baseline/bare-socket-server.ts", import.meta.url));
const settle = () => new Promise((r) => setTimeout(r, 2_000));

/** Bytes per connection between two samples: the slope, not a delta from an empty process. */
function slopeKiB(low: MemorySample, high: MemorySample, connections: number, pick: (m: MemorySample) => number): number {
  return Math.round(((pick(high) - pick(low)) / connections / 1024) * 10) / 10;
}

/**
 * Memory per idle connection, measured in fresh processes started with `--expose-gc`: the gateway
 * (each client authenticated and subscribed to a workspace) and a bare Socket.IO server (each client
 * in a room), sampled after a full GC at `low` and at `high` connections. The figure is the slope
 * between the two samples — of heap used + external, and of RSS — so start-up memory and the last
 * burst's garbage do not count.
 */
export async function benchIdleMemory(env: BenchEnv, options: { low: number; high: number }): Promise<void> {
  const workspaceId = env.workspaceIds[0]!;
  const secret = newTokenSecret();
  const appEnv = { databaseUrl: env.db.ownerUrl, natsUrl: env.natsUrl, tokenSecret: secret, stream: `BENCH_IDLE_${env.runId}`, prefix: `bidle${env.runId}` };
  const token = (await new AccessTokenService({ secret }).sign({ userId: env.userId, tokenVersion: 0, sessionId: env.sessionId }, 3600)).token;
  // The gateway reads the events stream; a relay-only worker creates it.
  const worker = await startApp("worker", appEnv, { SPINE_WORKER_CONSUMERS: "none" });
  const gatewayFile = memoryFile("gateway");
  const gateway = await startApp("gateway", appEnv, { BENCH_MEMORY_FILE: gatewayFile }, MEMORY_PROBE_NODE_ARGS);
  const bareFile = memoryFile("bare");
  const bare = await startChild(bareServer, ["0"], { BENCH_MEMORY_FILE: bareFile }, true, MEMORY_PROBE_NODE_ARGS);
  const bareUrl = `http://127.0.0.1:${String(bare.info.port)}`;
  const closers: (() => void)[] = [];
  try {
    const measure = async (name: string, pid: number, file: string, connect: (count: number) => Promise<(() => void)[]>) => {
      closers.push(...(await connect(options.low)));
      await settle();
      const low = await sampleAfterGc(pid, file);
      closers.push(...(await connect(options.high - options.low)));
      await settle();
      const high = await sampleAfterGc(pid, file);
      const added = options.high - options.low;
      return {
        name,
        heap: slopeKiB(low, high, added, (m) => m.heapUsed + m.external),
        rss: slopeKiB(low, high, added, (m) => m.rss),
      };
    };
    const spine = await measure("gateway", gateway.child.pid ?? 0, gatewayFile, async (count) => {
      const clients = await connectSpineFleet({ url: gateway.url, token, count, workspaceOf: () => workspaceId, onEnvelope: () => undefined });
      return clients.map((c) => () => c.close());
    });
    const baseline = await measure("bare", bare.child.pid ?? 0, bareFile, async (count) => {
      const sockets = await connectBareFleet({ url: bareUrl, count, roomOf: () => "all", onMessage: () => undefined });
      return sockets.map((s) => () => s.close());
    });
    const variant = `${options.low}→${options.high} idle conns`;
    const extra = { method: "slope after gc(), fresh processes, --expose-gc", low: options.low, high: options.high };
    emit({ bench: "fanout", variant, metric: "heap+ext/conn", spine: spine.heap, baseline: baseline.heap, ratio: ratio(spine.heap, baseline.heap), unit: "KiB", extra });
    emit({ bench: "fanout", variant, metric: "rss/conn", spine: spine.rss, baseline: baseline.rss, ratio: ratio(spine.rss, baseline.rss), unit: "KiB", extra });
  } finally {
    for (const close of closers) close();
    await stopChild(bare.child);
    await gateway.stop();
    await worker.stop();
    await deleteStream(env.natsUrl, appEnv.stream);
  }
}
