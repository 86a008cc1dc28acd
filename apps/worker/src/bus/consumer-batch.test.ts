import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { ConsumerRunner, connectNats, ensureEventsStream, publishEnvelope } from "@spine/bus";
import { natsTestNames, TEST_NATS_URL } from "@spine/testing";
import { dbTest } from "@spine/testing/fixtures";
import { pino } from "pino";
import { describe, expect } from "vitest";
import { defineWorkerHandler, jobLedger, type WorkerOperation } from "../wiring.ts";
import { createEffectsTable, effectCounts } from "./test-support/effects-table.ts";
import { projectCreated } from "./test-support/outbox-events.ts";
import { createPool } from "./test-support/pools.ts";
import { seedWorkspaces } from "./test-support/seed-workspaces.ts";
import { waitUntil } from "./test-support/wait-until.ts";

/** A batching handler (`handler.batch`) through the real runner: every event applied once, failures one at a time. */
const test = dbTest
  .extend("workspaces", { scope: "file" }, async ({ db }) => {
    await createEffectsTable(db.ownerUrl);
    return seedWorkspaces(db.ownerUrl, 3);
  })
  .extend("owner", { scope: "file" }, async ({ db }, { onCleanup }) => {
    const pool = createPool(db.ownerUrl, 2);
    onCleanup(() => pool.end());
    return pool;
  })
  // eslint-disable-next-line no-empty-pattern -- a fixture's first argument must be a destructuring pattern
  .extend("bus", { scope: "file" }, async ({}, { onCleanup }) => {
    const names = natsTestNames("batch");
    const nc = await connectNats({ servers: TEST_NATS_URL, name: "consumer-batch-test" });
    const jsm = await jetstreamManager(nc);
    await ensureEventsStream(jsm, { name: names.stream, prefix: names.prefix });
    onCleanup(async () => {
      await jsm.streams.delete(names.stream).catch(() => undefined);
      await nc.close();
    });
    return { names, js: jetstream(nc), jsm };
  });

describe("batching consumer", () => {
  test("events of several workspaces in batches: each applied once, in its workspace; a failing event is retried alone", async ({
    bus, domain, owner, workspaces,
  }) => {
    const name = `batch_${bus.names.suffix}`;
    const batchSizes: number[] = [];
    const ledger = jobLedger(domain);
    const counting = {
      ...ledger,
      applyBatch: async (...args: Parameters<NonNullable<typeof ledger.applyBatch>>) => {
        batchSizes.push(args[0].length);
        await ledger.applyBatch!(...args);
      },
    };
    let failOnce: string | null = null;
    const failedAttempts: number[] = [];
    const handler = defineWorkerHandler({
      name,
      eventTypes: ["project.created"],
      batch: { max: 8 },
      async handle(envelope, { op, attempt }) {
        await op.em.execute("insert into bus_test_effects (workspace_id, event_id, handler) values (spine_current_workspace(), ?, ?)", [
          envelope.event_id, name,
        ]);
        if (envelope.event_id === failOnce && attempt === 1) {
          failedAttempts.push(attempt);
          throw new Error("fails on its first attempt");
        }
      },
    });
    // Published before the runner starts, so the first pull brings many events at once.
    const envelopes = workspaces.flatMap((ws) => Array.from({ length: 12 }, (_, i) => projectCreated(ws, `P${i}`)));
    failOnce = envelopes[5]!.event_id;
    for (const e of envelopes) await publishEnvelope(bus.js, e, { prefix: bus.names.prefix });

    const runner = new ConsumerRunner<WorkerOperation>({
      js: bus.js, jsm: bus.jsm, stream: bus.names.stream, prefix: bus.names.prefix, handler, ledger: counting, concurrency: 2,
      logger: pino({ level: "silent" }), backoffMs: [200], ackWaitMs: 5_000, idleHeartbeatMs: 1_000, expiresMs: 5_000,
    });
    runner.start();
    await waitUntil(async () => (await effectCounts(owner, name)).rows >= envelopes.length, "every event's effect");
    await runner.stop();

    expect(await effectCounts(owner, name)).toEqual({ rows: envelopes.length, distinct: envelopes.length });
    expect(batchSizes.some((n) => n > 1)).toBe(true);
    expect(Math.max(...batchSizes)).toBeLessThanOrEqual(8);
    // The failing event's batch rolled back and its events went one at a time: alone, it failed its first
    // attempt (again), was retried after the backoff, and applied on the second.
    expect(failedAttempts.length).toBeGreaterThanOrEqual(1);
    expect(failedAttempts.every((a) => a === 1)).toBe(true);
    const runs = await owner.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from job_runs where handler = $1 and event_id = any($2::uuid[]) group by status`,
      [name, envelopes.map((e) => e.event_id)],
    );
    expect(runs.rows).toEqual([{ status: "succeeded", n: envelopes.length }]);
    const retried = await owner.query("select attempts from job_runs where handler = $1 and event_id = $2", [name, failOnce]);
    expect(retried.rows).toEqual([{ attempts: 2 }]);
    const misplaced = await owner.query(
      `select 1 from bus_test_effects e join job_runs j on j.event_id = e.event_id and j.handler = e.handler
       where e.handler = $1 and e.workspace_id <> j.workspace_id`,
      [name],
    );
    expect(misplaced.rowCount).toBe(0);
  });
});
