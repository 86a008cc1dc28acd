import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "@spine/bus";
import { createTestDatabase, natsTestNames, TEST_NATS_URL, type TestDatabase } from "@spine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const appRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const names = natsTestNames("main");
const relayOnly = natsTestNames("mainrelay");
let db: TestDatabase;

/** Start the worker's main as a real process; resolves with its "worker started" log line (or its exit). */
async function startMain(env: Record<string, string>) {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: appRoot,
    env: { DATABASE_URL: db.ownerUrl, NATS_URL: TEST_NATS_URL, WORKER_PORT: "0", WORKER_HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let stderr = "";
  proc.stdout.on("data", (chunk: Buffer) => lines.push(...chunk.toString().split("\n").filter(Boolean)));
  proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve((exitCode = code))));
  const deadline = Date.now() + 30_000;
  let started: { port: number; handlers: string[] } | undefined;
  while (!started && exitCode === undefined && Date.now() < deadline) {
    const line = lines.find((l) => l.includes('"worker started"'));
    if (line) started = JSON.parse(line) as { port: number; handlers: string[] };
    else await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, lines, exited, started, stderr: () => stderr };
}

beforeAll(async () => {
  db = await createTestDatabase("main");
});
afterAll(async () => {
  const nc = await connectNats({ servers: TEST_NATS_URL, name: "main-test-cleanup" });
  const jsm = await jetstreamManager(nc);
  for (const stream of [names.stream, relayOnly.stream]) await jsm.streams.delete(stream).catch(() => undefined);
  await nc.close();
  await db?.drop();
});

describe("apps/worker main", () => {
  it("boots from its environment, answers /health, and shuts down gracefully on SIGTERM", async () => {
    const { proc, lines, exited, started, stderr } = await startMain({ SPINE_SUBJECT_PREFIX: names.prefix, SPINE_EVENTS_STREAM: names.stream });
    expect(started, lines.join("\n") + stderr()).toBeDefined();
    const health = await fetch(`http://127.0.0.1:${started?.port ?? 0}/health`);
    expect(health.status).toBe(200);

    proc.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(lines.some((l) => l.includes('"worker stopped"'))).toBe(true);
  });

  it("runs only the consumers SPINE_WORKER_CONSUMERS selects: none leaves the relay alone, with no durable consumer", async () => {
    const { proc, lines, exited, started, stderr } = await startMain({
      SPINE_SUBJECT_PREFIX: relayOnly.prefix, SPINE_EVENTS_STREAM: relayOnly.stream, SPINE_WORKER_CONSUMERS: "none",
    });
    expect(started, lines.join("\n") + stderr()).toBeDefined();
    expect(started?.handlers).toEqual([]);
    const nc = await connectNats({ servers: TEST_NATS_URL, name: "main-test-consumers" });
    try {
      const consumers = await (await jetstreamManager(nc)).consumers.list(relayOnly.stream).next();
      expect(consumers.map((c) => c.name)).toEqual([]);
    } finally {
      await nc.close();
    }
    proc.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("refuses an unknown consumer name at boot, naming the variable and the known handlers", async () => {
    const { exited, started, stderr } = await startMain({
      SPINE_SUBJECT_PREFIX: relayOnly.prefix, SPINE_EVENTS_STREAM: relayOnly.stream, SPINE_WORKER_CONSUMERS: "usage-metering,billing",
    });
    expect(started).toBeUndefined();
    expect(await exited).not.toBe(0);
    expect(stderr()).toMatch(/SPINE_WORKER_CONSUMERS: unknown handler billing; known: usage-metering/);
  });
});
