import { readFileSync } from "node:fs";
import { AccessTokenService } from "@spine/auth";
import type { BenchEnv } from "./bench-env.ts";
import { newTokenSecret, startApp, type RunningApp } from "./spine-apps.ts";

export interface RealtimeStack {
  worker: RunningApp;
  gateway: RunningApp;
  token: string;
  stream: string;
  prefix: string;
  stop(): Promise<void>;
}

/** Worker (outbox relay) and gateway as real processes on the bench's database and a private stream. */
export async function startRealtimeStack(env: BenchEnv, label: string): Promise<RealtimeStack> {
  const secret = newTokenSecret();
  const appEnv = { databaseUrl: env.db.ownerUrl, natsUrl: env.natsUrl, tokenSecret: secret, stream: `BENCH_${label}_${env.runId}`, prefix: `b${label.toLowerCase()}${env.runId}` };
  const worker = await startApp("worker", appEnv);
  const gateway = await startApp("gateway", appEnv);
  const { token } = await new AccessTokenService({ secret }).sign({ userId: env.userId, tokenVersion: 0, sessionId: env.sessionId }, 3600);
  return {
    worker,
    gateway,
    token,
    stream: appEnv.stream,
    prefix: appEnv.prefix,
    stop: async () => {
      await gateway.stop();
      await worker.stop();
    },
  };
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
