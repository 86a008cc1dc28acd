import { createSpineClient } from "@spine/client";
import { rawWrites } from "../baseline/raw-write.ts";
import { createBenchEnv, settleDatabase } from "../lib/bench-env.ts";
import { CpuMeter } from "../lib/cpu.ts";
import { keepAliveFetch } from "../lib/keep-alive-fetch.ts";
import { emit, emitMemory } from "../lib/report.ts";
import { newTokenSecret, startApp } from "../lib/spine-apps.ts";
import { nowMs, ratio, summarize } from "../lib/stats.ts";

/**
 * Write path: `project.create` over HTTP through the Spine client on a keep-alive node:http transport
 * (auth, membership check, tenant scope, domain row + activity row + outbox row in one transaction) against raw node-postgres transactions writing the same rows.
 * CPU µs per write is reported per process: the API, the bench (HTTP client or raw driver) and PostgreSQL.
 */
export async function benchWritePath(options: { total: number; concurrencies: number[]; policy?: boolean }): Promise<void> {
  const env = await createBenchEnv(1);
  const api = await startApp("api", { databaseUrl: env.db.ownerUrl, natsUrl: env.natsUrl, tokenSecret: newTokenSecret(), stream: "unused", prefix: "unused" });
  try {
    const anon = createSpineClient({ url: `${api.url}/trpc` });
    const session = await anon.auth.signUp.mutate({ email: `writer-${env.runId}@bench.dev`, password: "bench-password-123", displayName: "Writer" });
    // The real client (typed calls, Idempotency-Key on every mutation) over a lean keep-alive transport.
    const http = keepAliveFetch(Math.max(...options.concurrencies));
    const client = createSpineClient({ url: `${api.url}/trpc`, token: session.accessToken, fetch: http.fetch });
    const { workspace } = await client.workspace.create.mutate({ name: "bench" });
    // Variant: a block policy on the metric this bench consumes, so every write takes the counter row lock.
    if (options.policy) await client.usage.setPolicy.mutate({ workspaceId: workspace.id, metric: "projects", window: "month", limit: 1_000_000_000, action: "block" });

    for (const concurrency of options.concurrencies) {
      const spineLatencies: number[] = [];
      let issued = 0;
      const warmup = Math.min(200, options.total / 5);
      const worker = async (count: { left: number }, record: boolean) => {
        while (count.left-- > 0) {
          const t0 = nowMs();
          await client.project.create.mutate({ workspaceId: workspace.id, name: `p${issued++}` });
          if (record) spineLatencies.push(nowMs() - t0);
        }
      };
      const warm = { left: warmup };
      await Promise.all(Array.from({ length: concurrency }, () => worker(warm, false)));
      await settleDatabase(env.db.ownerUrl);
      const counter = { left: options.total };
      const spineCpu = new CpuMeter({ api: api.child.pid ?? "self", client: "self", postgres: "postgres" }).start();
      const start = nowMs();
      await Promise.all(Array.from({ length: concurrency }, () => worker(counter, true)));
      const spinePerSecond = Math.round(options.total / ((nowMs() - start) / 1000));
      const spineCpuPerOp = spineCpu.perOp(options.total);
      const spine = summarize(spineLatencies);

      await rawWrites(env.db.appUrl, env.workspaceIds[0]!, env.userId, concurrency, warmup);
      await settleDatabase(env.db.ownerUrl);
      const rawCpu = new CpuMeter({ client: "self", postgres: "postgres" }).start();
      const raw = await rawWrites(env.db.appUrl, env.workspaceIds[0]!, env.userId, concurrency, options.total);
      const rawCpuPerOp = rawCpu.perOp(options.total);

      const variant = `c=${concurrency} n=${options.total}${options.policy ? " policy=block" : ""}`;
      emit({ bench: "write", variant, metric: "throughput", spine: spinePerSecond, baseline: raw.perSecond, ratio: ratio(spinePerSecond, raw.perSecond), unit: "writes/s", cpu: { spine: spineCpuPerOp, baseline: rawCpuPerOp } });
      emit({ bench: "write", variant, metric: "latency p50", spine: spine.p50, baseline: raw.latency.p50, ratio: ratio(spine.p50, raw.latency.p50), unit: "ms" });
      emit({ bench: "write", variant, metric: "latency p99", spine: spine.p99, baseline: raw.latency.p99, ratio: ratio(spine.p99, raw.latency.p99), unit: "ms" });
    }
    emitMemory("write", { bench: "self", api: api.child.pid ?? "self" });
    http.close();
  } finally {
    await api.stop();
    await env.close();
  }
}
