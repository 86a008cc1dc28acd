import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../test-support/test-database.ts";
import { APP_ROLE, SYSTEM_ROLE } from "./roles.ts";
import { OPERATIONAL_TABLES, TENANT_TABLES } from "./tenant-tables.ts";

const TABLES = [...TENANT_TABLES, ...OPERATIONAL_TABLES, "workspaces"];
let db: TestDatabase;
let app: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase("rlsbypass");
  app = new pg.Client({ connectionString: db.appUrl });
  await app.connect();
});
afterAll(async () => {
  await app?.end();
  await db?.drop();
});

/** Run one statement in a transaction that is always rolled back; returns the SQLSTATE or null. */
async function attempt(...statements: string[]): Promise<string | null> {
  await app.query("begin");
  try {
    for (const sql of statements) await app.query(sql);
    return null;
  } catch (err) {
    if (err instanceof Error && "code" in err && typeof err.code === "string") return err.code;
    throw err;
  } finally {
    await app.query("rollback");
  }
}

describe("the app role cannot disable or bypass row-level security", () => {
  it("is neither superuser, nor bypassrls, nor the owner of any table", async () => {
    const { rows } = await app.query("select current_user as me, rolsuper, rolbypassrls from pg_roles where rolname = current_user");
    expect(rows).toEqual([{ me: APP_ROLE, rolsuper: false, rolbypassrls: false }]);
    const owned = await app.query("select count(*)::int as n from pg_tables where schemaname = 'public' and tableowner = current_user");
    expect(owned.rows[0]).toEqual({ n: 0 });
  });

  it.each(TABLES)("%s: DISABLE / NO FORCE row level security, DROP or CREATE POLICY all fail", async (table) => {
    // 42501: must be owner of table
    expect(await attempt(`alter table ${table} disable row level security`)).toBe("42501");
    expect(await attempt(`alter table ${table} no force row level security`)).toBe("42501");
    expect(await attempt(`drop policy tenant_isolation on ${table}`)).toBe("42501");
    expect(await attempt(`create policy open_door on ${table} using (true)`)).toBe("42501");
    expect(await attempt(`alter table ${table} owner to ${APP_ROLE}`)).toBe("42501");
  });

  it.each(TABLES)("%s: SET row_security = off makes the query fail instead of skipping the policy", async (table) => {
    // 42501: query would be affected by row-level security policy
    expect(await attempt("set local row_security = off", `select count(*) from ${table}`)).toBe("42501");
  });

  it("cannot become the owner, the system role or a superuser", async () => {
    for (const role of ["postgres", SYSTEM_ROLE]) {
      expect(await attempt(`set role ${role}`)).toBe("42501");
      expect(await attempt(`set session authorization ${role}`)).toBe("42501");
    }
    expect(await attempt(`grant ${SYSTEM_ROLE} to ${APP_ROLE}`)).toBe("42501");
    expect(await attempt(`alter role ${APP_ROLE} bypassrls`)).toBe("42501");
  });

  it("cannot replace the functions the policies call", async () => {
    const replaced = await attempt(
      "create or replace function spine_current_workspace() returns uuid language sql stable as $$ select null::uuid $$",
    );
    expect(replaced).toBe("42501");
  });

  it("with no workspace set, sees no tenant row at all", async () => {
    const { rows } = await app.query("select count(*)::int as n from projects");
    expect(rows[0]).toEqual({ n: 0 });
  });
});
