import { randomUUID } from "node:crypto";
import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "@spine/bus";
import { createProject, Domain } from "@spine/domain";
import { createPgPool, outboxBacklog } from "@spine/domain/reads";
import { sampleValue, scrapeMetrics, type Sample } from "@spine/metrics";
import { createTestDatabase, natsTestNames, TEST_NATS_URL, type TestDatabase } from "@spine/testing";
import type pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKER_HANDLERS, type WorkerHandler } from "./handlers/index.ts";
import { defineWorkerHandler } from "./wiring.ts";
import { startWorker, type RunningWorker } from "./worker.ts";

// The worker's admin port after real traffic: events written through the domain, relayed to
// JetStream, applied by usage-metering, and failed by a handler that always throws (retries, dead letter).
const names = natsTestNames("wmetrics");
let db: TestDatabase;
let owner: pg.Pool;
let domain: Domain;
let worker: RunningWorker;
let workspaceId: string;

const alwaysFails = defineWorkerHandler({
  name: "always-fails",
  eventTypes: ["project.created"],
  async handle() {
    throw new Error("this handler always fails");
  },
});

async function waitFor(what: string, check: (s: Sample[]) => boolean): Promise<Sample[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const samples = await scrapeMetrics(`http://127.0.0.1:${worker.port}`);
    if (check(samples)) return samples;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  db = await createTestDatabase("wmetrics");
  owner = createPgPool({ connectionString: db.ownerUrl, max: 2 });
  const userId = randomUUID();
  workspaceId = randomUUID();
  await owner.query("insert into users (id, email, password_hash, display_name) values ($1, $2, 'x', 'W')", [userId, `${userId}@t.local`]);
  await owner.query("insert into workspaces (id, name, slug, created_by) values ($1, 'W', $2, $3)", [workspaceId, `w-${workspaceId}`, userId]);
  domain = await Domain.create({ clientUrl: db.appUrl, systemUrl: db.systemUrl, poolMax: 12 });
});
afterAll(async () => {
  await worker?.stop();
  const nc = await connectNats({ servers: TEST_NATS_URL, name: "worker-metrics-cleanup" });
  await (await jetstreamManager(nc)).streams.delete(names.stream).catch(() => undefined);
  await nc.close();
  await domain?.close();
  await owner?.end();
  await db?.drop();
});

describe("worker metrics", () => {
  it("the relay lag reads the unpublished outbox rows and the age of the oldest", async () => {
    const ctx = { workspaceId, actorId: null, actorType: "system" as const, correlationId: `wm-${randomUUID()}` };
    await domain.run(ctx, (op) => createProject(op, { name: "Before the worker" }));
    await owner.query("update outbox set created_at = now() - interval '90 seconds'");
    const lag = await outboxBacklog(owner);
    expect(lag.rows).toBe(1);
    expect(lag.oldestAgeSeconds).toBeGreaterThanOrEqual(90);
  });

  it("publishes, applies, retries and dead-letters, and each moves its series on the admin port", async () => {
    worker = await startWorker(
      {
        databaseUrl: db.ownerUrl, natsUrl: TEST_NATS_URL, prefix: names.prefix, stream: names.stream,
        duplicateWindowMs: 120_000, eventsMaxAgeMs: 3_600_000, outboxReplayWindowMs: 3_600_000, retentionIntervalMs: 60_000,
        rateLimitRetentionMs: 86_400_000, agentRunStaleAfterMs: 3_600_000, domain,
        relayPollMs: 200, concurrency: 2, maxAttempts: 2, ackWaitMs: 10_000, port: 0, host: "127.0.0.1",
        handlers: [...WORKER_HANDLERS, alwaysFails as WorkerHandler],
      },
      pino({ level: "silent" }),
    );
    const ctx = { workspaceId, actorId: null, actorType: "system" as const, correlationId: `wm-${randomUUID()}` };
    await domain.run(ctx, (op) => createProject(op, { name: "With the worker" }));

    // Two project.created events: both published, both applied by usage-metering; each failed twice by always-fails.
    const samples = await waitFor("the dead letters", (s) => sampleValue(s, "spine_consumer_dead_letters_total", { handler: "always-fails" }) === 2);
    expect(sampleValue(samples, "spine_relay_published_total", { app: "worker" })).toBe(2);
    expect(sampleValue(samples, "spine_consumer_messages_total", { handler: "usage-metering", outcome: "applied" })).toBe(2);
    expect(sampleValue(samples, "spine_consumer_retries_total", { handler: "always-fails" })).toBe(2);
    expect(sampleValue(samples, "spine_consumer_dead_letters_total", { handler: "usage-metering" })).toBe(0);
    expect(sampleValue(samples, "spine_outbox_backlog_rows")).toBe(0);
    expect(sampleValue(samples, "spine_outbox_backlog_age_seconds")).toBe(0);
    // Consumer lag per durable: both durables exist and have nothing left to deliver.
    const pending = samples.filter((s) => s.name === "spine_consumer_pending_messages").map((s) => [s.labels.durable, s.value]);
    expect(Object.fromEntries(pending)).toEqual({ "usage-metering": 0, "always-fails": 0 });
    const { rows } = await owner.query<{ n: number }>("select count(*)::int as n from dead_letter_jobs where handler = 'always-fails'");
    expect(rows[0]?.n).toBe(2);
  });
});
