import { TEST_NATS_URL } from "@spine/testing";
import { dbNatsTest } from "@spine/testing/fixtures";
import type pg from "pg";
import { describe, expect } from "vitest";
import { spawnTsx } from "./test-support/child-process.ts";
import { commitEvents } from "./test-support/outbox-events.ts";
import { seedWorkspaces } from "./test-support/seed-workspaces.ts";
import { streamEventIds } from "./test-support/stream-contents.ts";
import { waitUntil } from "./test-support/wait-until.ts";
import { createPool } from "./test-support/pools.ts";
import { ensureEventsStream } from "@spine/bus";

const TOTAL = 5_000;
const PER_TX = 50;

// `owner`: a pool of the database owner; `workspaceId`: a seeded workspace, with the file's events stream in place.
const test = dbNatsTest
  .extend("owner", { scope: "file" }, ({ db }, { onCleanup }) => {
    const owner = createPool(db.ownerUrl, 4);
    onCleanup(() => owner.end());
    return owner;
  })
  .extend("workspaceId", { scope: "file" }, async ({ db, jsm, natsNames }) => {
    const [workspaceId = ""] = await seedWorkspaces(db.ownerUrl);
    await ensureEventsStream(jsm, { name: natsNames.stream, prefix: natsNames.prefix });
    return workspaceId;
  });

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function unpublished(owner: pg.Pool): Promise<number> {
  const { rows } = await owner.query<{ n: number }>("select count(*)::int as n from outbox where published_at is null");
  return rows[0]?.n ?? -1;
}

describe("outbox relay under kill -9", () => {
  test("every committed event reaches the stream exactly once by event_id, none missing", async ({ db, nats, natsNames: names, owner, workspaceId }) => {
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
      if ((await unpublished(owner)) > 0) killsMidStream += 1;
      relay.proc.kill("SIGKILL");
      const { signal } = await relay.exited;
      expect(signal).toBe("SIGKILL");
      kills += 1;
    }
    const committed = await writer;

    const last = spawnTsx("relay-process.ts", config);
    await last.waitForLine("relay started");
    await waitUntil(async () => (await unpublished(owner)) === 0, "the last relay to publish the rest");
    last.proc.kill("SIGTERM");
    await last.exited;

    // Killed with rows still waiting, i.e. mid-publish or mid-claim, at least a few times.
    expect(killsMidStream).toBeGreaterThanOrEqual(3);
    expect(kills).toBeGreaterThanOrEqual(killsMidStream);
    expect(committed).toHaveLength(TOTAL);
    const inStream = await streamEventIds(nats, names.stream);
    expect(inStream).toHaveLength(TOTAL);
    const unique = new Set(inStream);
    expect(unique.size).toBe(TOTAL);
    expect(committed.filter((id) => !unique.has(id))).toEqual([]);
  });
});
