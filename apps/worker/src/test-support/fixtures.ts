import { randomUUID } from "node:crypto";
import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "@spine/bus";
import { Domain } from "@spine/domain";
import { createPgPool } from "@spine/domain/reads";
import { natsTestNames, TEST_NATS_URL, testKeyRing } from "@spine/testing";
import { dbTest, deleteStreamsOf } from "@spine/testing/fixtures";
import type pg from "pg";
import { pino } from "pino";
import { WORKER_HANDLERS, type WorkerHandler } from "../handlers/index.ts";
import { startWorker, type RunningWorker, type WorkerConfig } from "../worker.ts";

/**
 * vitest fixtures for the worker's suites, on top of `dbTest` (`db`, `domain`, `systemSql`), all file-scoped
 * (built by the first test that asks, cleaned up after the file):
 * - `domain`: as `dbTest`'s, with a pool of 12 (a worker runs `concurrency` operations per handler);
 * - `owner`: a pool of the database owner (max 2), ended;
 * - `seedWorkspace(name?)`: inserts a user and a workspace as the owner, returns their ids;
 * - `natsNames`: a fresh subject prefix and stream name; every stream carrying its suffix is deleted after the file;
 * - `workerHandlers` (default `WORKER_HANDLERS`) and `workerOptions` (default `{}`): override per file, e.g.
 *   `workerTest.override("workerOptions", { scope: "file" }, { concurrency: 4 })`;
 * - `worker`: `startWorker` on `db`, the shared NATS server and `natsNames`, with `domain`; stopped.
 */
export const workerTest = dbTest
  .extend("domain", { scope: "file" }, async ({ db }, { onCleanup }) => {
    const domain = await Domain.create({ clientUrl: db.appUrl, systemUrl: db.systemUrl, poolMax: 12, keyRing: testKeyRing() });
    onCleanup(() => domain.close());
    return domain;
  })
  .extend("owner", { scope: "file" }, ({ db }, { onCleanup }): pg.Pool => {
    const pool = createPgPool({ connectionString: db.ownerUrl, max: 2 });
    onCleanup(() => pool.end());
    return pool;
  })
  .extend("seedWorkspace", { scope: "file" }, ({ owner }) => async (name = "W"): Promise<{ userId: string; workspaceId: string }> => {
    const userId = randomUUID();
    const workspaceId = randomUUID();
    await owner.query("insert into users (id, email, password_hash, display_name) values ($1, $2, 'x', $3)", [userId, `${userId}@t.local`, name]);
    await owner.query("insert into workspaces (id, name, slug, created_by) values ($1, $2, $3, $4)", [
      workspaceId, name, `${name.toLowerCase()}-${workspaceId}`, userId,
    ]);
    return { userId, workspaceId };
  })
  // vitest reads a fixture's dependencies from its first parameter's pattern: `{}` means none.
  // eslint-disable-next-line no-empty-pattern
  .extend("natsNames", { scope: "file" }, ({}, { onCleanup }) => {
    const names = natsTestNames("wk");
    onCleanup(async () => {
      const nc = await connectNats({ servers: TEST_NATS_URL, name: "worker-test-cleanup" });
      try {
        await deleteStreamsOf(await jetstreamManager(nc), names.suffix);
      } finally {
        await nc.close();
      }
    });
    return names;
  })
  .extend("workerHandlers", { scope: "file" }, (): readonly WorkerHandler[] => WORKER_HANDLERS)
  .extend("workerOptions", { scope: "file" }, {} as Partial<WorkerConfig>)
  .extend("worker", { scope: "file" }, async ({ db, domain, natsNames, workerHandlers, workerOptions }, { onCleanup }): Promise<RunningWorker> => {
    const worker = await startWorker(
      {
        databaseUrl: db.ownerUrl, natsUrl: TEST_NATS_URL, prefix: natsNames.prefix, stream: natsNames.stream,
        duplicateWindowMs: 120_000, eventsMaxAgeMs: 3_600_000, outboxReplayWindowMs: 3_600_000, retentionIntervalMs: 60_000,
        rateLimitRetentionMs: 86_400_000, agentRunStaleAfterMs: 3_600_000, domain,
        relayPollMs: 500, concurrency: 2, maxAttempts: 3, ackWaitMs: 10_000, port: 0, host: "127.0.0.1",
        handlers: workerHandlers, ...workerOptions,
      },
      pino({ level: process.env.SPINE_TEST_LOG ?? "silent" }),
    );
    onCleanup(() => worker.stop());
    return worker;
  });
