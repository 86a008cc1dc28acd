import { randomUUID } from "node:crypto";
import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "@spine/bus";
import { createProject } from "@spine/domain";
import { startSpineNats, type SpineNats } from "@spine/testing";
import { pino } from "pino";
import { describe, expect } from "vitest";
import { createWorkerHandlers } from "./handlers/index.ts";
import { workerTest } from "./test-support/fixtures.ts";
import { startWorker } from "./worker.ts";
import { waitUntil } from "./bus/test-support/wait-until.ts";

// The worker as `npm start` runs it: infra/nats's `relay` user for the outbox relay, `worker` for the
// streams and its own consumers (every production handler), production names EVENTS / EVENTS_GATEWAY / evt.
/**
 * `nats`: a nats-server with infra/nats's accounts and users (disposed after the file); `permWorker` (automatic):
 * the worker on it with the `worker` and `relay` users, started before the file's first test.
 */
const test = workerTest
  // vitest reads a fixture's dependencies from its first parameter's pattern: `{}` means none.
  // eslint-disable-next-line no-empty-pattern
  .extend("nats", { scope: "file" }, async ({}, { onCleanup }): Promise<SpineNats> => {
    const nats = await startSpineNats();
    onCleanup(() => nats.dispose());
    return nats;
  })
  .extend("permWorker", { scope: "file", auto: true }, async ({ db, domain, nats }, { onCleanup }) => {
    const worker = await startWorker(
      {
        databaseUrl: db.ownerUrl, natsUrl: nats.server.url, natsUser: "worker", natsPassword: nats.passwords.worker,
        relayNatsUser: "relay", relayNatsPassword: nats.passwords.relay, prefix: "evt", stream: "EVENTS", gatewayStream: "EVENTS_GATEWAY",
        duplicateWindowMs: 120_000, eventsMaxAgeMs: 3_600_000, outboxReplayWindowMs: 3_600_000, retentionIntervalMs: 60_000,
        rateLimitRetentionMs: 86_400_000, agentRunStaleAfterMs: 3_600_000, domain, relayPollMs: 500, concurrency: 2, maxAttempts: 3,
        ackWaitMs: 10_000, port: 0, host: "127.0.0.1", handlers: createWorkerHandlers({ domain, embeddings: { provider: "offline" } }),
        sync: { jobsStream: "JOBS", jobsPrefix: "job", schedulerIntervalMs: 1_000, maxAttempts: 2, backoffMs: [100], requestTimeoutMs: 1_000 },
      },
      pino({ level: process.env.SPINE_TEST_LOG ?? "silent" }),
    );
    onCleanup(() => worker.stop());
    return worker;
  });

describe("worker with infra/nats's relay and worker users", () => {
  test("publishes through the relay user, consumes with its own durables, and keeps the gateway's mirror", async ({ owner, domain, nats }) => {
    const userId = randomUUID();
    const workspaceId = randomUUID();
    await owner.query("insert into users (id, email, password_hash, display_name) values ($1, $2, 'x', 'W')", [userId, `${userId}@t.local`]);
    await owner.query("insert into workspaces (id, name, slug, created_by) values ($1, 'W', $2, $3)", [workspaceId, `w-${workspaceId}`, userId]);
    await domain.run({ workspaceId, actorId: null, actorType: "system", correlationId: `perm-${randomUUID()}` }, (op) => createProject(op, { name: "Least" }));

    await waitUntil(async () => {
      const { rows } = await owner.query<{ n: number }>("select count(*)::int as n from job_runs where handler = 'usage-metering' and status = 'succeeded'");
      return rows[0]?.n === 1;
    }, "usage-metering to apply project.created");
    const { rows } = await owner.query<{ n: number }>("select count(*)::int as n from outbox where published_at is null");
    expect(rows[0]?.n).toBe(0);

    const nc = await connectNats({ servers: nats.server.url, name: "perm-check", user: "operator", pass: nats.passwords.operator });
    try {
      const jsm = await jetstreamManager(nc);
      const events = (await jsm.streams.info("EVENTS")).state;
      expect(events.messages).toBe(1);
      await waitUntil(async () => (await jsm.streams.info("EVENTS_GATEWAY")).state.last_seq === events.last_seq, "the gateway's mirror");
      const durables = (await jsm.consumers.list("EVENTS").next()).map((c) => c.name).sort();
      expect(durables).toEqual(["ai-document-ingestion", "integration-events", "usage-metering"]);
      // The JOBS work queue (integration sync jobs): created by the worker user, with its own durable.
      expect((await jsm.consumers.list("JOBS").next()).map((c) => c.name)).toEqual(["integration-sync"]);
    } finally {
      await nc.close();
    }
  });
});
