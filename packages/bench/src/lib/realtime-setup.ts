import { readFileSync } from "node:fs";
import { AccessTokenService } from "@spine/auth";
import type { BenchEnv } from "./bench-env.ts";
import { newTokenSecret, startApp, type RunningApp } from "./spine-apps.ts";

export interface RealtimeStack {
  worker: RunningApp;
  gateway: RunningApp;
  /** Replace the worker process with one running `consumers` (same database and stream). */
  restartWorker(consumers: "none" | "all"): Promise<RunningApp>;
  token: string;
  stream: string;
  prefix: string;
  stop(): Promise<void>;
}

/**
 * Worker and gateway as real processes on the bench's database and a private stream. By default the
 * worker is relay-only (`SPINE_WORKER_CONSUMERS=none`): the event path is measured without the usage
 * metering consumer's statements on the same two cores; `consumers: "all"` runs the full worker.
 */
export async function startRealtimeStack(env: BenchEnv, label: string, options: { consumers?: "none" | "all" } = {}): Promise<RealtimeStack> {
  const secret = newTokenSecret();
  const appEnv = { databaseUrl: env.db.ownerUrl, natsUrl: env.natsUrl, tokenSecret: secret, stream: `BENCH_${label}_${env.runId}`, prefix: `b${label.toLowerCase()}${env.runId}` };
  let worker = await startApp("worker", appEnv, { SPINE_WORKER_CONSUMERS: options.consumers ?? "none" });
  const gateway = await startApp("gateway", appEnv);
  const { token } = await new AccessTokenService({ secret }).sign({ userId: env.userId, tokenVersion: 0, sessionId: env.sessionId }, 3600);
  const stack: RealtimeStack = {
    worker,
    gateway,
    restartWorker: async (consumers) => {
      await worker.stop();
      worker = await startApp("worker", appEnv, { SPINE_WORKER_CONSUMERS: consumers });
      stack.worker = worker;
      return worker;
    },
    token,
    stream: appEnv.stream,
    prefix: appEnv.prefix,
    stop: async () => {
      await gateway.stop();
      await worker.stop();
    },
  };
  return stack;
}

export async function until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

export function currentRssMiB(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
