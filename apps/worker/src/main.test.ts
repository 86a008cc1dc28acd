import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "@spine/bus";
import { createTestDatabase, natsTestNames, TEST_NATS_URL, type TestDatabase } from "@spine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const appRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const names = natsTestNames("main");
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase("main");
});
afterAll(async () => {
  const nc = await connectNats({ servers: TEST_NATS_URL, name: "main-test-cleanup" });
  await (await jetstreamManager(nc)).streams.delete(names.stream).catch(() => undefined);
  await nc.close();
  await db?.drop();
});

describe("apps/worker main", () => {
  it("boots from its environment, answers /health, and shuts down gracefully on SIGTERM", async () => {
    const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: appRoot,
      env: {
        DATABASE_URL: db.ownerUrl, NATS_URL: TEST_NATS_URL, WORKER_PORT: "0", WORKER_HOST: "127.0.0.1",
        SPINE_SUBJECT_PREFIX: names.prefix, SPINE_EVENTS_STREAM: names.stream,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    proc.stdout.on("data", (chunk: Buffer) => lines.push(...chunk.toString().split("\n").filter(Boolean)));
    const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));

    const deadline = Date.now() + 30_000;
    let started: { port: number } | undefined;
    while (!started && Date.now() < deadline) {
      const line = lines.find((l) => l.includes('"worker started"'));
      if (line) started = JSON.parse(line) as { port: number };
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(started, lines.join("\n")).toBeDefined();
    const health = await fetch(`http://127.0.0.1:${started?.port ?? 0}/health`);
    expect(health.status).toBe(200);

    proc.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(lines.some((l) => l.includes('"worker stopped"'))).toBe(true);
  });
});
