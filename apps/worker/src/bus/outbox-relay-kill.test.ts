import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { createTestDatabase, natsTestNames, TEST_NATS_URL, type TestDatabase } from "@spine/testing";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnTsx } from "./test-support/child-process.ts";
import { commitEvents } from "./test-support/outbox-events.ts";
import { seedWorkspaces } from "./test-support/seed-workspaces.ts";
import { streamEventIds } from "./test-support/stream-contents.ts";
import { waitUntil } from "./test-support/wait-until.ts";
import { createPool } from "./test-support/pools.ts";
import { connectNats, ensureEventsStream } from "@spine/bus";

const names = natsTestNames("relaykill");
const TOTAL = 5_000;
const PER_TX = 50;
let db: TestDatabase;
let owner: pg.Pool;
let nc: NatsConnection;
let jsm: JetStreamManager;
let workspaceId: string;

beforeAll(async () => {
  db = await createTestDatabase("relaykill");
  [workspaceId = ""] = await seedWorkspaces(db.ownerUrl);
  owner = createPool(db.ownerUrl, 4);
  nc = await connectNats({ servers: TEST_NATS_URL, name: "relay-kill-test" });
  jsm = await jetstreamManager(nc);
  await ensureEventsStream(jsm, { name: names.stream, prefix: names.prefix });
});
afterAll(async () => {
  await jsm?.streams.delete(names.stream).catch(() => undefined);
  await nc?.close();
  await owner?.end();
  await db?.drop();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function unpublished(): Promise<number> {
  const { rows } = await owner.query<{ n: number }>("select count(*)::int as n from outbox where published_at is null");
  return rows[0]?.n ?? -1;
}

describe("outbox relay under kill -9", () => {
  it("every committed event reaches the stream exactly once by event_id, none missing", async () => {
    const config = { natsUrl: TEST_NATS_URL, systemUrl: db.systemUrl, prefix: names.prefix, batchSize: 200 };
    let writing = true;
    const writer = (async () => {
      const ids: string[] = [];
      for (let i = 0; i < TOTAL / PER_TX; i += 1) {
        ids.push(...(await commitEvents(owner, workspaceId, PER_TX)));
        await pause(25);
      }
      writing = false;
      return ids;
    })();

    let kills = 0;
    let killsMidStream = 0;
    while (writing) {
      const relay = spawnTsx("relay-process.ts", config);
      await relay.waitForLine("relay started");
      // Each restart finds a backlog (the writer went on meanwhile): kill it while it drains.
      await pause(Math.floor(Math.random() * 150));
      if ((await unpublished()) > 0) killsMidStream += 1;
      relay.proc.kill("SIGKILL");
      const { signal } = await relay.exited;
      expect(signal).toBe("SIGKILL");
      kills += 1;
    }
    const committed = await writer;

    const last = spawnTsx("relay-process.ts", config);
    await last.waitForLine("relay started");
    await waitUntil(async () => (await unpublished()) === 0, "the last relay to publish the rest");
    last.proc.kill("SIGTERM");
    await last.exited;

    // Killed with rows still waiting, i.e. mid-publish or mid-claim, at least a few times.
    expect(killsMidStream).toBeGreaterThanOrEqual(3);
    expect(kills).toBeGreaterThanOrEqual(killsMidStream);
    expect(committed).toHaveLength(TOTAL);
    const inStream = await streamEventIds(nc, names.stream);
    expect(inStream).toHaveLength(TOTAL);
    const unique = new Set(inStream);
    expect(unique.size).toBe(TOTAL);
    expect(committed.filter((id) => !unique.has(id))).toEqual([]);
  });
});
