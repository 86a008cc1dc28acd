import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "@spine/bus";
import { TEST_NATS_URL } from "@spine/testing";
import { describe, expect } from "vitest";
import { workerTest } from "./test-support/fixtures.ts";

const appRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
/**
 * `relayOnly`: a second prefix and stream, carrying `natsNames`' suffix (deleted with its streams);
 * `startMain(env)`: the worker's main as a real process on `db`; resolves with its "worker started" log line (or its exit).
 */
const test = workerTest
  .extend("relayOnly", { scope: "file" }, ({ natsNames }) => ({ prefix: `${natsNames.prefix}_relay`, stream: `${natsNames.stream}_RELAY` }))
  .extend("startMain", { scope: "file" }, ({ db }) => async (env: Record<string, string>) => {
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
  });

describe("apps/worker main", () => {
  test("boots from its environment, answers /health, and shuts down gracefully on SIGTERM", async ({ natsNames, startMain }) => {
    const { proc, lines, exited, started, stderr } = await startMain({ SPINE_SUBJECT_PREFIX: natsNames.prefix, SPINE_EVENTS_STREAM: natsNames.stream });
    expect(started, lines.join("\n") + stderr()).toBeDefined();
    const health = await fetch(`http://127.0.0.1:${started?.port ?? 0}/health`);
    expect(health.status).toBe(200);

    proc.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(lines.some((l) => l.includes('"worker stopped"'))).toBe(true);
  });

  test("runs only the consumers SPINE_WORKER_CONSUMERS selects: none leaves the relay alone, with no durable consumer", async ({ relayOnly, startMain }) => {
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

  test("refuses an unknown consumer name at boot, naming the variable and the known handlers", async ({ relayOnly, startMain }) => {
    const { exited, started, stderr } = await startMain({
      SPINE_SUBJECT_PREFIX: relayOnly.prefix, SPINE_EVENTS_STREAM: relayOnly.stream, SPINE_WORKER_CONSUMERS: "usage-metering,billing",
    });
    expect(started).toBeUndefined();
    expect(await exited).not.toBe(0);
    expect(stderr()).toMatch(/SPINE_WORKER_CONSUMERS: unknown handler billing; known: usage-metering/);
  });
});
