import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { ChildProcess } from "node:child_process";
import { startChild, stopChild, waitHttp } from "./child.ts";
import { freePort, testKeyRingSpec } from "@spine/testing";

const appEntry = (app: string) => fileURLToPath(new URL(`../../../../apps/${app}/src/main.ts`, import.meta.url));

export interface RunningApp {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface AppEnv {
  databaseUrl: string;
  natsUrl: string;
  tokenSecret: string;
  stream: string;
  prefix: string;
}

export function newTokenSecret(): string {
  return randomBytes(32).toString("hex");
}

/** Start one of Spine's apps as a real process with the bench's database, stream and prefix. */
export async function startApp(app: "api" | "gateway" | "worker", env: AppEnv, extra: Record<string, string> = {}, nodeArgs: string[] = []): Promise<RunningApp> {
  const port = await freePort();
  const portVar = { api: "API_PORT", gateway: "GATEWAY_PORT", worker: "WORKER_PORT" }[app];
  const { child } = await startChild(
    appEntry(app),
    [],
    {
      DATABASE_URL: env.databaseUrl,
      NATS_URL: env.natsUrl,
      SPINE_TOKEN_SECRET: env.tokenSecret,
      SPINE_KEY_RING: testKeyRingSpec(),
      SPINE_EVENTS_STREAM: env.stream,
      SPINE_SUBJECT_PREFIX: env.prefix,
      LOG_LEVEL: "warn",
      [portVar]: String(port),
      // The admin endpoints on free ports, so a bench never collides with a running `npm start`.
      API_ADMIN_PORT: "0",
      GATEWAY_ADMIN_PORT: "0",
      ...extra,
    },
    false,
    // e.g. BENCH_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the apps under load.
    [...nodeArgs, ...(process.env.BENCH_CHILD_NODE_ARGS ?? "").split(" ").filter(Boolean)],
  );
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/${app === "worker" ? "healthz" : "readyz"}`, 60_000);
  return { name: app, url, port, child, stop: () => stopChild(child) };
}
