import pg from "pg";
import { describe, expect } from "vitest";
import { newId } from "../../shared/ids.ts";
import { dbTest as test } from "../../test-support/fixtures.ts";
import { seedWorkspace, userCtx } from "../../test-support/test-domain.ts";
import type { Domain } from "../../runtime/domain.ts";
import { relayOutboxBatch } from "./relay-outbox-batch.ts";

/** A one-connection system pool that records every query text it sends (one per round trip). */
function countingPool(systemUrl: string): { pool: pg.Pool; sent: string[] } {
  const pool = new pg.Pool({ connectionString: systemUrl, max: 1 });
  const sent: string[] = [];
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0];
      sent.push(typeof first === "string" ? first : String((first as { text?: string }).text));
      return query(...args);
    };
  });
  return { pool, sent };
}

async function emitEvents(domain: Domain, workspaceId: string, userId: string, n: number): Promise<string[]> {
  return domain.run(userCtx(workspaceId, userId), async (op) =>
    Array.from({ length: n }, () => op.emit("project.created", { project_id: newId(), name: "relayed" }).event_id),
  );
}

const publishAll = async (rows: { id: string }[]) => ({ publishedIds: rows.map((r) => r.id), failures: [], rejections: [] });

/** Relay what earlier tests and the seeding left (a seeded workspace emits its own events). */
async function drain(systemUrl: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: systemUrl, max: 1 });
  try {
    while ((await relayOutboxBatch(pool, 1_000, publishAll)) > 0);
  } finally {
    await pool.end();
  }
}

async function unpublished(sql: pg.Client, ids: string[]): Promise<number> {
  const { rows } = await sql.query<{ n: number }>("select count(*)::int as n from outbox where id = any($1::uuid[]) and published_at is null", [ids]);
  return rows[0]!.n;
}

/** A fresh workspace's `n` events, alone in the outbox, and a counting one-connection pool to relay them. */
async function eventsToRelay(domain: Domain, systemUrl: string, slug: string, n: number): Promise<{ ids: string[]; pool: pg.Pool; sent: string[] }> {
  const a = await seedWorkspace(domain, slug);
  await drain(systemUrl);
  const ids = await emitEvents(domain, a.workspaceId, a.userId, n);
  return { ids, ...countingPool(systemUrl) };
}

describe("relayOutboxBatch", () => {
  test("claims, then marks what was published together with the COMMIT: three round trips", async ({ db, domain, systemSql }) => {
    const { ids, pool, sent } = await eventsToRelay(domain, db.systemUrl, "rob1", 3);
    try {
      const claimed = await relayOutboxBatch(pool, 100, async (rows) => {
        expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
        return { publishedIds: rows.map((r) => r.id), failures: [], rejections: [] };
      });
      expect(claimed).toBe(3);
      expect(sent).toHaveLength(3);
      expect(sent[0]).toMatch(/^begin; set local enable_sort = off$/);
      expect(sent[2]).toMatch(/^update outbox set published_at = now\(\).*;\ncommit$/s);
      expect(await unpublished(systemSql, ids)).toBe(0);
      // Nothing left: the next batch claims nothing.
      expect(await relayOutboxBatch(pool, 100, publishAll)).toBe(0);
    } finally {
      await pool.end();
    }
  });

  test("a mark that fails rolls the batch back: the rows stay unpublished and the connection is clean; no id is read as SQL", async ({ db, domain, systemSql }) => {
    const { ids, pool, sent } = await eventsToRelay(domain, db.systemUrl, "rob2", 2);
    try {
      // Ids that are not UUIDs, trying to end the literal (with a quote, with a `$'` replacement pattern): refused.
      for (const hostile of [`x}'::uuid[]); delete from outbox; --`, `x$'; delete from outbox; --`]) {
        const before = sent.length;
        const err = await relayOutboxBatch(pool, 100, async (rows) => ({ publishedIds: [...rows.map((r) => r.id), hostile], failures: [], rejections: [] })).catch(
          (e: unknown) => e,
        );
        expect(String(err)).toMatch(/not an outbox row id/);
        expect(sent.slice(before).some((q) => q.includes("delete from outbox"))).toBe(false);
        expect(await unpublished(systemSql, ids)).toBe(2);
      }
      // A mark the database refuses (a row id that is a UUID but not the right one is fine; force a failing
      // cast through the failures path instead): the batch rolls back whole.
      const refused = await relayOutboxBatch(pool, 100, async (rows) => ({
        publishedIds: rows.map((r) => r.id), failures: [{ id: "not-a-uuid", error: "x" }], rejections: [],
      })).catch((e: unknown) => e);
      expect((refused as { code?: string }).code).toBe("22P02");
      expect(await unpublished(systemSql, ids)).toBe(2);
      // The same (only) connection relays the rows afterwards.
      const claimed = await relayOutboxBatch(pool, 100, publishAll);
      expect(claimed).toBe(2);
      expect(await unpublished(systemSql, ids)).toBe(0);
    } finally {
      await pool.end();
    }
  });

  test("failed publishes stay unpublished with their error; the published ones are marked", async ({ db, domain, systemSql }) => {
    const {
      ids: [ok, failed],
      pool,
    } = await eventsToRelay(domain, db.systemUrl, "rob3", 2);
    try {
      await relayOutboxBatch(pool, 100, async () => ({ publishedIds: [ok!], failures: [{ id: failed!, error: "stream unavailable" }], rejections: [] }));
      const { rows } = await systemSql.query<{ id: string; published: boolean; last_error: string | null }>(
        "select id, published_at is not null as published, last_error from outbox where id = any($1::uuid[])",
        [[ok, failed]],
      );
      expect(rows.find((r) => r.id === ok)).toMatchObject({ published: true, last_error: null });
      expect(rows.find((r) => r.id === failed)).toMatchObject({ published: false, last_error: "stream unavailable" });
    } finally {
      await pool.end();
    }
  });
});
