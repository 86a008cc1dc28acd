import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { createTestDatabase, natsTestNames, startNatsServer, type NatsServerProcess, type TestDatabase } from "@spine/testing";
import type pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEffectsTable, effectCounts, effectsHandler } from "./test-support/effects-table.ts";
import { commitEvents } from "./test-support/outbox-events.ts";
import { seedWorkspaces } from "./test-support/seed-workspaces.ts";
import { streamEventIds } from "./test-support/stream-contents.ts";
import { waitUntil } from "./test-support/wait-until.ts";
import { Domain } from "@spine/domain";
import { createPool } from "./test-support/pools.ts";
import { jobLedger, outboxStore, outboxWakeups } from "../wiring.ts";
import { ConsumerRunner, OutboxRelay, connectNats, ensureEventsStream } from "@spine/bus";

const names = natsTestNames("outage");
const BATCHES = 40;
const PER_TX = 25;
let db: TestDatabase;
let server: NatsServerProcess;
let owner: pg.Pool;
let system: pg.Pool;
let domain: Domain;
let nc: NatsConnection;
let workspaceId: string;

beforeAll(async () => {
  db = await createTestDatabase("outage");
  await createEffectsTable(db.ownerUrl);
  [workspaceId = ""] = await seedWorkspaces(db.ownerUrl);
  owner = createPool(db.ownerUrl, 4);
  system = createPool(db.systemUrl, 4);
  domain = await Domain.create({ clientUrl: db.appUrl, systemUrl: db.systemUrl, poolMax: 10 });
  server = await startNatsServer();
  nc = await connectNats({ servers: server.url, name: "outage-test" });
  await ensureEventsStream(await jetstreamManager(nc), { name: names.stream, prefix: names.prefix });
});
afterAll(async () => {
  await nc?.close();
  await server?.dispose();
  await owner?.end();
  await system?.end();
  await domain?.close();
  await db?.drop();
});

async function unpublished(): Promise<number> {
  const { rows } = await owner.query<{ n: number }>("select count(*)::int as n from outbox where published_at is null");
  return rows[0]?.n ?? -1;
}

describe("nats-server stopped while events commit", () => {
  it("every event reaches the stream and every consumer effect applies once after the restart", async () => {
    const logger = pino({ level: "silent" });
    const js = jetstream(nc);
    const relay = new OutboxRelay({
      store: outboxStore(system), js, prefix: names.prefix, wakeups: outboxWakeups(db.systemUrl, pino({ level: "silent" })), pollIntervalMs: 200, publishTimeoutMs: 1_000,
      retryMaxMs: 1_000, logger,
    });
    const handler = effectsHandler(`outage_${names.suffix}`);
    const consumer = new ConsumerRunner({
      js, jsm: await jetstreamManager(nc), stream: names.stream, prefix: names.prefix, handler, ledger: jobLedger(domain),
      ackWaitMs: 5_000, idleHeartbeatMs: 1_000, expiresMs: 5_000, logger,
    });
    await relay.start();
    consumer.start();

    const committed: string[] = [];
    let keptWhileDown = 0;
    for (let i = 0; i < BATCHES; i += 1) {
      if (i === 10) await server.stop("SIGKILL");
      committed.push(...(await commitEvents(owner, workspaceId, PER_TX)));
      if (i === 30) {
        keptWhileDown = await unpublished();
        await server.start();
      }
    }
    await waitUntil(async () => (await unpublished()) === 0, "the relay to catch up after the restart");
    await waitUntil(async () => (await effectCounts(owner, handler.name)).distinct === committed.length, "the consumer to catch up");
    await consumer.stop();
    await relay.stop();

    // While NATS was down the rows were kept, not dropped or marked.
    expect(keptWhileDown).toBeGreaterThanOrEqual(20 * PER_TX);
    const inStream = await streamEventIds(nc, names.stream);
    expect(inStream).toHaveLength(committed.length);
    expect(new Set(inStream)).toEqual(new Set(committed));
    expect(await effectCounts(owner, handler.name)).toEqual({ rows: committed.length, distinct: committed.length });
    const failures = await owner.query<{ n: number }>("select count(*)::int as n from outbox where publish_attempts > 1");
    expect(failures.rows[0]?.n).toBeGreaterThan(0);
  });
});
