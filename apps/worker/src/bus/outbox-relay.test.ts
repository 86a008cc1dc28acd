import { jetstream } from "@nats-io/jetstream";
import { busTest } from "./test-support/bus-fixtures.ts";
import type pg from "pg";
import { pino } from "pino";
import { describe, expect } from "vitest";
import { deletePublishedOutbox } from "@spine/domain/ops";
import { txOf } from "@spine/domain/reads";
import { outboxStore, outboxWakeups } from "../wiring.ts";
import { commitEvents, insertOutboxRow, projectCreated } from "./test-support/outbox-events.ts";
import { streamEventIds } from "./test-support/stream-contents.ts";
import { waitUntil } from "./test-support/wait-until.ts";
import { createPool } from "./test-support/pools.ts";
import { OutboxRelay, ensureEventsStream, ensureStream, jobsStreamConfig, publishEnvelope, republishOutbox } from "@spine/bus";

// File-scoped, on top of busTest (`owner` and `system` pools, `workspaceId` a seeded workspace): `names` the file's NATS names, with its events stream in place (60 s duplicate
// window); `js`; and the helpers `unpublished` and `naivePoller`.
const it = busTest
  .extend("names", { scope: "file" }, async ({ jsm, natsNames }) => {
    await ensureEventsStream(jsm, { name: natsNames.stream, prefix: natsNames.prefix, duplicateWindowMs: 60_000 });
    return natsNames;
  })
  .extend("js", { scope: "file" }, ({ nats }) => jetstream(nats))
  .extend("unpublished", { scope: "file" }, ({ owner }) => async (): Promise<number> => {
    const { rows } = await owner.query<{ n: number }>("select count(*)::int as n from outbox where published_at is null");
    return rows[0]?.n ?? -1;
  })
  .extend("naivePoller", { scope: "file" }, ({ owner }) => () => startNaivePoller(owner));

describe("streams as code", () => {
  it("creates or updates the events stream idempotently", async ({ names, jsm }) => {
    const again = await ensureEventsStream(jsm, { name: names.stream, prefix: names.prefix, duplicateWindowMs: 60_000 });
    expect(again.config.subjects).toEqual([`${names.prefix}.>`]);
    expect(again.config.storage).toBe("file");
    expect(again.config.duplicate_window).toBe(60_000 * 1_000_000);
  });

  it("creates a work-queue stream for jobs", async ({ names, jsm }) => {
    const name = `JOBS_${names.suffix}`.toUpperCase();
    const info = await ensureStream(jsm, jobsStreamConfig({ name, prefix: `job_${names.suffix}` }));
    expect(info.config.retention).toBe("workqueue");
    expect((await ensureStream(jsm, jobsStreamConfig({ name, prefix: `job_${names.suffix}` }))).config.subjects).toEqual([`job_${names.suffix}.>`]);
    await jsm.streams.delete(name);
  });
});

describe("outbox relay", () => {
  it("publishes committed rows on the subject from the envelope and marks them published", async ({
    owner, system, workspaceId, names, jsm, unpublished, nats,
  }) => {
    const ids = await commitEvents(owner, workspaceId, 25);
    const relay = new OutboxRelay({ store: outboxStore(system), nc: nats, prefix: names.prefix, batchSize: 10 });
    expect(await relay.drain()).toBe(25);
    expect(await unpublished()).toBe(0);
    const msg = await jsm.streams.getMessage(names.stream, { last_by_subj: `${names.prefix}.${workspaceId}.project.created` });
    expect(ids).toContain(msg?.json<{ event_id: string }>().event_id);
    expect(msg?.header?.get("Nats-Msg-Id")).toBe(msg?.json<{ event_id: string }>().event_id);
  });

  it("a re-publish of the same event_id inside the window is dropped by the stream", async ({ workspaceId, names, js }) => {
    const env = projectCreated(workspaceId);
    const first = await publishEnvelope(js, env, { prefix: names.prefix });
    const second = await publishEnvelope(js, env, { prefix: names.prefix });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);
  });

  it("commit order: a row that commits late is not lost, where a naive id > cursor poller loses it", async ({
    owner, system, workspaceId, names, nats: nc, naivePoller,
  }) => {
    const early = projectCreated(workspaceId, "early");
    const late = projectCreated(workspaceId, "late");
    expect(early.event_id < late.event_id).toBe(true);
    const naive = await naivePoller();
    // Transaction A takes the smaller id but commits after transaction B.
    const a = await owner.connect();
    const b = await owner.connect();
    await a.query("begin");
    await insertOutboxRow(a, early);
    await b.query("begin");
    await insertOutboxRow(b, late);
    await b.query("commit");

    const relay = new OutboxRelay({ store: outboxStore(system), nc, prefix: names.prefix });
    const seenByNaive = await naive.poll();
    await relay.drain();

    await a.query("commit");
    a.release();
    b.release();
    seenByNaive.push(...(await naive.poll()));
    await relay.drain();

    expect(seenByNaive).toContain(late.event_id);
    expect(seenByNaive).not.toContain(early.event_id);
    const inStream = await streamEventIds(nc, names.stream);
    expect(inStream).toContain(early.event_id);
    expect(inStream).toContain(late.event_id);
  });

  it("concurrent writers committing out of id order lose nothing with the relay running", async ({
    db, owner, system, workspaceId, names, nats: nc, unpublished,
  }) => {
    const relay = new OutboxRelay({ store: outboxStore(system), nc, prefix: names.prefix, wakeups: outboxWakeups(db.systemUrl, pino({ level: "silent" })), pollIntervalMs: 200 });
    await relay.start();
    const writers = Array.from({ length: 12 }, async (_, i) => {
      const client = await owner.connect();
      try {
        await client.query("begin");
        const env = projectCreated(workspaceId, `w${i}`);
        await insertOutboxRow(client, env);
        // Hold some transactions open so later ids commit first.
        await client.query("select pg_sleep($1)", [((12 - i) % 4) * 0.05]);
        await client.query("commit");
        return env.event_id;
      } finally {
        client.release();
      }
    });
    const ids = await Promise.all(writers);
    await waitUntil(async () => (await unpublished()) === 0, "relay to publish everything");
    await relay.stop();
    const inStream = new Set(await streamEventIds(nc, names.stream));
    for (const id of ids) expect(inStream.has(id)).toBe(true);
  });

  it("several relays side by side each publish a row once (SKIP LOCKED), together all of them", async ({
    db, owner, workspaceId, names, nats: nc, unpublished,
  }) => {
    const before = new Set(await streamEventIds(nc, names.stream));
    const ids: string[] = [];
    for (let i = 0; i < 8; i += 1) ids.push(...(await commitEvents(owner, workspaceId, 100)));
    const pools = Array.from({ length: 3 }, () => createPool(db.systemUrl, 2));
    const relays = pools.map((pool) => new OutboxRelay({ store: outboxStore(pool), nc, prefix: names.prefix, batchSize: 50 }));
    const published = await Promise.all(relays.map((r) => r.drain()));
    await Promise.all(pools.map((p) => p.end()));
    // A row published by two relays would be counted twice.
    expect(published.reduce((a, b) => a + b, 0)).toBe(ids.length);
    expect(await unpublished()).toBe(0);
    const fresh = (await streamEventIds(nc, names.stream)).filter((id) => !before.has(id));
    expect(fresh).toHaveLength(ids.length);
    expect(new Set(fresh)).toEqual(new Set(ids));
  });

  it("keeps published rows for the replay window, re-publishes a range, then retention deletes them", async ({
    owner, system, workspaceId, names, js, nats,
  }) => {
    const ids = await commitEvents(owner, workspaceId, 5);
    const relay = new OutboxRelay({ store: outboxStore(system), nc: nats, prefix: names.prefix });
    await relay.drain();
    const kept = await owner.query("select id from outbox where id = any($1::uuid[]) and published_at is not null", [ids]);
    expect(kept.rowCount).toBe(5);

    const again = await republishOutbox({ store: outboxStore(system), js, prefix: names.prefix, ids });
    expect(again).toEqual({ published: 0, duplicates: 5, skipped: 0, unpublished: 0 });
    const since = await republishOutbox({ store: outboxStore(system), js, prefix: names.prefix, since: new Date(Date.now() - 60_000), force: true });
    expect(since.published).toBe(0);
    expect(since.duplicates).toBeGreaterThanOrEqual(5);

    expect(await deletePublishedOutbox(txOf(system), { replayWindowMs: 60 * 60_000 })).toBe(0);
    const before = await owner.query<{ n: number }>("select count(*)::int as n from outbox");
    const deleted = await deletePublishedOutbox(txOf(system), { replayWindowMs: 0 });
    expect(deleted).toBe(before.rows[0]?.n);
  });

  it("republish never sends rows the relay has not published yet, and a time range needs force", async ({
    owner, system, workspaceId, names, js, nats: nc,
  }) => {
    const since = new Date(Date.now() - 1_000);
    const published = await commitEvents(owner, workspaceId, 2);
    await new OutboxRelay({ store: outboxStore(system), nc, prefix: names.prefix }).drain();
    const pending = await commitEvents(owner, workspaceId, 3);

    await expect(republishOutbox({ store: outboxStore(system), js, prefix: names.prefix, since })).rejects.toMatchObject({ name: "BusError", code: "CONFIG" });
    await expect(republishOutbox({ store: outboxStore(system), js, prefix: names.prefix, since, until: new Date() })).rejects.toMatchObject({ code: "CONFIG" });
    const forced = await republishOutbox({ store: outboxStore(system), js, prefix: names.prefix, since, force: true });
    expect(forced.unpublished).toBe(3);
    expect(forced.published + forced.duplicates).toBeGreaterThanOrEqual(2);
    const byIds = await republishOutbox({ store: outboxStore(system), js, prefix: names.prefix, ids: [...published, ...pending] });
    expect(byIds).toEqual({ published: 0, duplicates: 2, skipped: 0, unpublished: 3 });

    const inStream = await streamEventIds(nc, names.stream);
    expect(pending.filter((id) => inStream.includes(id))).toEqual([]);
    const still = await owner.query("select id from outbox where id = any($1::uuid[]) and published_at is null", [pending]);
    expect(still.rowCount).toBe(3);
    // The relay still owns them: it publishes each once, as a first publish.
    expect(await new OutboxRelay({ store: outboxStore(system), nc, prefix: names.prefix }).drain()).toBe(3);
    const after = await streamEventIds(nc, names.stream);
    for (const id of pending) expect(after.filter((e) => e === id)).toHaveLength(1);
  });

  it("never publishes a row whose envelope does not parse; sets it aside and goes on", async ({
    owner, system, workspaceId, names, nats: nc,
  }) => {
    const bad = projectCreated(workspaceId);
    await owner.query("insert into outbox (id, workspace_id, event_type, subject, envelope) values ($1, $2, $3, $4, $5)", [
      bad.event_id, workspaceId, "project.created", "evt.x.project.created", JSON.stringify({ ...bad, payload: { name: 42 } }),
    ]);
    const good = await commitEvents(owner, workspaceId, 3);
    const relay = new OutboxRelay({ store: outboxStore(system), nc, prefix: names.prefix, logger: pino({ level: "silent" }) });
    const first = await relay.relayBatch();
    expect(first).toMatchObject({ published: 3, rejected: 1, failed: 0 });
    expect(await relay.relayBatch()).toMatchObject({ claimed: 0 });
    const row = await owner.query<{ published_at: Date | null; last_error: string | null }>("select published_at, last_error from outbox where id = $1", [
      bad.event_id,
    ]);
    expect(row.rows[0]?.published_at).toBeNull();
    expect(row.rows[0]?.last_error).toMatch(/^invalid envelope: payload/);
    // Set aside by a column, not by its error text: clearing `last_error` does not make the relay claim it again.
    await owner.query("update outbox set last_error = null where id = $1", [bad.event_id]);
    expect(await relay.relayBatch()).toMatchObject({ claimed: 0 });
    const rejected = await owner.query<{ rejected_at: Date | null }>("select rejected_at from outbox where id = $1", [bad.event_id]);
    expect(rejected.rows[0]?.rejected_at).toBeInstanceOf(Date);
    const inStream = new Set(await streamEventIds(nc, names.stream));
    expect(inStream.has(bad.event_id)).toBe(false);
    expect(good.every((id) => inStream.has(id))).toBe(true);
  });

  it("publishes a validated row's stored JSON as it is, on its columns' subject; a row whose envelope names another row is set aside", async ({
    owner, system, workspaceId, names, jsm, nats: nc,
  }) => {
    const insert = (id: string, envelope: unknown, validated: boolean) =>
      owner.query("insert into outbox (id, workspace_id, event_type, subject, envelope, validated) values ($1, $2, 'project.created', 'evt.x', $3, $4)", [
        id, workspaceId, JSON.stringify(envelope), validated,
      ]);
    const stored = projectCreated(workspaceId, "as stored");
    await insert(stored.event_id, stored, true);
    // A copy of another event's envelope under a row id of its own: msgID (the row id) and event_id would differ.
    const copied = projectCreated(workspaceId, "copied");
    const otherRowId = projectCreated(workspaceId).event_id;
    await insert(otherRowId, copied, true);
    const relay = new OutboxRelay({ store: outboxStore(system), nc, prefix: names.prefix, logger: pino({ level: "silent" }) });
    expect(await relay.relayBatch()).toMatchObject({ claimed: 2, published: 1, rejected: 1, failed: 0 });

    const msg = await jsm.streams.getMessage(names.stream, { last_by_subj: `${names.prefix}.${workspaceId}.project.created` });
    const { rows } = await owner.query<{ text: string }>("select envelope::text as text from outbox where id = $1", [stored.event_id]);
    expect(msg?.string()).toBe(rows[0]?.text);
    expect(msg?.json()).toEqual(stored);
    expect(msg?.header?.get("Nats-Msg-Id")).toBe(stored.event_id);
    const set = await owner.query<{ rejected_at: Date | null; last_error: string | null }>("select rejected_at, last_error from outbox where id = $1", [otherRowId]);
    expect(set.rows[0]?.rejected_at).toBeInstanceOf(Date);
    expect(set.rows[0]?.last_error).toMatch(/not the outbox row's/);
    expect(new Set(await streamEventIds(nc, names.stream)).has(copied.event_id)).toBe(false);
  });

  it("a backlog of many batches: each row published once, in commit order, the next batch claimed while acks arrive", async ({
    owner, system, workspaceId, names, nats: nc,
  }) => {
    const ids = await commitEvents(owner, workspaceId, 95);
    const batches: number[] = [];
    const relay = new OutboxRelay({ store: outboxStore(system), nc, prefix: names.prefix, batchSize: 10, metrics: { batch: (b) => void batches.push(b.claimed) } });
    expect(await relay.drain()).toBe(95);
    // Batches overlap (the next is claimed while the current one's acks arrive), so they may finish in any order:
    // what matters is their sizes; the stream's order below is the commit order.
    expect([...batches].sort((x, y) => y - x)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 5]);
    const left = await owner.query("select 1 from outbox where id = any($1::uuid[]) and published_at is null", [ids]);
    expect(left.rowCount).toBe(0);
    const inStream = (await streamEventIds(nc, names.stream)).filter((id) => ids.includes(id));
    expect(inStream).toEqual(ids);
  });
});

/** What the relay must not be: remembers the highest id it saw and reads past it. */
async function startNaivePoller(owner: pg.Pool): Promise<{ poll(): Promise<string[]> }> {
  let cursor = "00000000-0000-0000-0000-000000000000";
  const { rows } = await owner.query<{ id: string }>("select max(id::text) as id from outbox");
  cursor = rows[0]?.id ?? cursor;
  return {
    async poll() {
      const res = await owner.query<{ id: string }>("select id::text from outbox where id > $1::uuid order by id", [cursor]);
      const last = res.rows.at(-1);
      if (last) cursor = last.id;
      return res.rows.map((r) => r.id);
    },
  };
}
