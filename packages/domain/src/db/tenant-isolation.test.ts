import { describe, expect } from "vitest";
import type { Domain } from "../runtime/domain.ts";
import { dbTest } from "../test-support/fixtures.ts";
import pg from "pg";
import type { EntityMetadata } from "@mikro-orm/core";
import { AppError } from "../errors/app-error.ts";
import { Workspace } from "../modules/identity/entities.ts";
import { newId } from "../shared/ids.ts";
import { appSql } from "../test-support/app-sql.ts";
import { TENANT_ROWS, insertRow, newRefs, seedEveryTable } from "../test-support/tenant-rows.ts";
import { seedWorkspace, userCtx, type SeededWorkspace } from "../test-support/test-domain.ts";
import { OPERATIONAL_TABLES, TENANT_TABLES } from "./tenant-tables.ts";

const TABLES = [...TENANT_TABLES, ...OPERATIONAL_TABLES];
const test = dbTest
  .extend("A", { scope: "file" }, async ({ domain }) => seedWorkspace(domain, "alpha", { access: false }))
  .extend("B", { scope: "file" }, async ({ domain, A: _A }) => seedWorkspace(domain, "beta", { access: false }))
  .extend("refsA", { scope: "file" }, async ({ A, ownerSql }) => {
    const memberOfA = newId();
    await ownerSql.query("insert into users (id, email, password_hash, display_name) values ($1, $2, 'x', 'm')", [memberOfA, `${memberOfA}@x.test`]);
    return newRefs(A.workspaceId, memberOfA, A.roleId);
  })
  .extend("idsA", { scope: "file" }, async ({ ownerSql, refsA }) => seedEveryTable(ownerSql, refsA));

type TenantRow = { id: string; workspaceId: string | null };

function metaFor(domain: Domain, table: string): EntityMetadata<TenantRow> {
  const meta = Object.values(domain.orm.getMetadata().getAll()).find((m) => m.tableName === table && !m.embeddable);
  if (!meta) throw new Error(`no entity maps table ${table}`);
  return meta as EntityMetadata<TenantRow>;
}

/** A fixture row (column names) as entity properties. */
function propsOf(meta: EntityMetadata, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const prop of meta.props) {
    const column = prop.fieldNames?.[0];
    if (column && column in row) out[prop.name] = row[column];
  }
  return out;
}

async function zeroOrForbidden(write: () => Promise<number>): Promise<void> {
  try {
    expect(await write()).toBe(0);
  } catch (err) {
    expect(AppError.isAppError(err) ? err.code : err).toBe("FORBIDDEN");
  }
}

async function rejected(write: () => Promise<unknown>): Promise<void> {
  const err = await write().then(() => null, (e: unknown) => e);
  expect(AppError.isAppError(err) ? err.code : err).toBe("FORBIDDEN");
}

describe("catalog coverage: nothing with a workspace_id is left out", () => {
  test("every table with a workspace_id column is listed as a tenant or operational table", async ({ ownerSql }) => {
    const { rows } = await ownerSql.query<{ table_name: string }>(
      "select table_name from information_schema.columns where table_schema = 'public' and column_name = 'workspace_id' order by 1",
    );
    expect(rows.map((r) => r.table_name).sort()).toEqual([...TABLES].sort());
  });

  test.for(TABLES)("%s has row-level security enabled, forced, and its tenant_isolation policy", async (table, { ownerSql }) => {
    const { rows } = await ownerSql.query(
      `select c.relrowsecurity, c.relforcerowsecurity, exists (select 1 from pg_policies p where p.tablename = c.relname and p.policyname = 'tenant_isolation') as policy
       from pg_class c where c.relname = $1 and c.relnamespace = 'public'::regnamespace`,
      [table],
    );
    expect(rows[0]).toEqual({ relrowsecurity: true, relforcerowsecurity: true, policy: true });
  });

  test.for(TABLES)("%s: its entity carries the default tenant filter", (table, { domain }) => {
    expect(metaFor(domain, table).filters.tenant?.default).toBe(true);
  });
});

const scopes: [string, (B: SeededWorkspace) => string | null][] = [
  ["workspace B", (B) => B.workspaceId],
  ["no workspace", () => null],
];

describe.each(scopes)("from a transaction scoped to %s", (_label, scope) => {
  const ctx = (B: SeededWorkspace) => userCtx(scope(B), B.userId);

  test.for(TABLES)("%s: A's rows are invisible through the ORM and the QueryBuilder", async (table, { domain, A, B, idsA }) => {
    const meta = metaFor(domain, table);
    const found = await domain.run(ctx(B), async (op) => ({
      all: await op.em.find(meta.class, {}),
      unfiltered: await op.em.find(meta.class, { workspaceId: A.workspaceId }, { filters: false }),
      byId: await op.em.findOne(meta.class, { id: idsA[table] }, { filters: false }),
      qb: await op.em.createQueryBuilder(meta.class).select("*").where({ workspaceId: A.workspaceId }).execute<TenantRow[]>("all"),
      qbCount: await op.em.createQueryBuilder(meta.class).where({ id: idsA[table] }).getCount(),
    }));
    expect(found.all.filter((row) => row.workspaceId === A.workspaceId)).toEqual([]);
    expect(found.unfiltered).toEqual([]);
    expect(found.byId).toBeNull();
    expect(found.qb).toEqual([]);
    expect(found.qbCount).toBe(0);
  });

  test.for(TABLES)("%s: A's rows are unwritable through the ORM and the QueryBuilder", async (table, { domain, A, B, refsA, idsA }) => {
    const meta = metaFor(domain, table);
    const id = idsA[table];
    const run = <T>(fn: Parameters<typeof domain.run<T>>[1]) => domain.run<T>(ctx(B), fn);
    await zeroOrForbidden(() => run((op) => op.em.nativeUpdate(meta.class, { id }, { workspaceId: scope(B) ?? A.workspaceId }, { filters: false })));
    await zeroOrForbidden(() => run((op) => op.em.nativeDelete(meta.class, { id }, { filters: false })));
    await zeroOrForbidden(() => run(async (op) => (await op.em.createQueryBuilder(meta.class).update({ workspaceId: A.workspaceId }).where({ id }).execute("run")).affectedRows));
    await zeroOrForbidden(() => run(async (op) => (await op.em.createQueryBuilder(meta.class).delete().where({ id }).execute("run")).affectedRows));
    const row = () => propsOf(meta, TENANT_ROWS[table](refsA, newId()));
    await rejected(() => run((op) => op.em.insert(meta.class, row())));
    await rejected(() => run(async (op) => op.em.persist(op.em.create(meta.class, row())).flush()));
    await rejected(() => run(async (op) => (await op.em.createQueryBuilder(meta.class).insert(row()).execute("run")).affectedRows));
  });

  test.for(TABLES)("%s: A's rows are invisible and unwritable through raw SQL on the app role", async (table, { db, A, B, refsA, idsA }) => {
    const s = { workspaceId: scope(B), userId: B.userId };
    const id = idsA[table];
    const read = await appSql(db.appUrl, s, `select id from ${table} where id = $1 or workspace_id = $2`, [id, A.workspaceId]);
    expect(read).toEqual({ rowCount: 0, rows: [], errorCode: null });
    const everything = await appSql(db.appUrl, s, `select workspace_id from ${table}`);
    expect(everything.rows.filter((r) => r.workspace_id === A.workspaceId)).toEqual([]);
    for (const sql of [`update ${table} set workspace_id = workspace_id where id = $1`, `delete from ${table} where id = $1`]) {
      const out = await appSql(db.appUrl, s, sql, [id]);
      expect(out.errorCode === "42501" || (out.errorCode === null && out.rowCount === 0)).toBe(true);
    }
    const client = new pg.Client({ connectionString: db.appUrl });
    await client.connect();
    try {
      await client.query("begin");
      if (s.workspaceId) await client.query("select set_config('app.workspace_id', $1, true)", [s.workspaceId]);
      const err = await insertRow(client, table, TENANT_ROWS[table](refsA, newId())).then(() => null, (e: { code?: string }) => e.code);
      expect(err).toBe("42501");
    } finally {
      await client.query("rollback");
      await client.end();
    }
  });

  test("workspace A itself is invisible and unwritable", async ({ domain, db, A, B }) => {
    const seen = await domain.run(ctx(B), async (op) => ({
      orm: await op.em.find(Workspace, { id: A.workspaceId }, { filters: false }),
      qb: await op.em.createQueryBuilder(Workspace).select("*").where({ id: A.workspaceId }).execute("all"),
    }));
    expect(seen).toEqual({ orm: [], qb: [] });
    const s = { workspaceId: scope(B), userId: B.userId };
    for (const sql of ["select id from workspaces where id = $1", "update workspaces set name = 'x' where id = $1", "delete from workspaces where id = $1"]) {
      expect(await appSql(db.appUrl, s, sql, [A.workspaceId])).toMatchObject({ rowCount: 0 });
    }
  });
});

describe("after every attempt", () => {
  test.for(TABLES)("%s: A's row is still there, unchanged", async (table, { ownerSql, A, idsA }) => {
    const { rows } = await ownerSql.query(`select workspace_id from ${table} where id = $1`, [idsA[table]]);
    expect(rows).toEqual([{ workspace_id: A.workspaceId }]);
  });

  test("A sees its own rows in every table (the suite's rows are real)", async ({ db, A, idsA }) => {
    for (const table of TABLES) {
      const out = await appSql(db.appUrl, { workspaceId: A.workspaceId }, `select id from ${table} where id = $1`, [idsA[table]]);
      expect({ table, rows: out.rows.length }).toEqual({ table, rows: 1 });
    }
  });
});
