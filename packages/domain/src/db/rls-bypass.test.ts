import { describe, expect } from "vitest";
import pg from "pg";
import { dbTest } from "../test-support/fixtures.ts";
import { APP_ROLE, SYSTEM_ROLE } from "./roles.ts";
import { OPERATIONAL_TABLES, TENANT_TABLES } from "./tenant-tables.ts";

const TABLES = [...TENANT_TABLES, ...OPERATIONAL_TABLES, "workspaces"];
const test = dbTest.extend("app", { scope: "file" }, async ({ db }, { onCleanup }) => {
  const app = new pg.Client({ connectionString: db.appUrl });
  await app.connect();
  onCleanup(() => app.end());
  return app;
});

/** Run one statement in a transaction that is always rolled back; returns the SQLSTATE or null. */
async function attempt(app: pg.Client, ...statements: string[]): Promise<string | null> {
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
  test("is neither superuser, nor bypassrls, nor the owner of any table", async ({ app }) => {
    const { rows } = await app.query("select current_user as me, rolsuper, rolbypassrls from pg_roles where rolname = current_user");
    expect(rows).toEqual([{ me: APP_ROLE, rolsuper: false, rolbypassrls: false }]);
    const owned = await app.query("select count(*)::int as n from pg_tables where schemaname = 'public' and tableowner = current_user");
    expect(owned.rows[0]).toEqual({ n: 0 });
  });

  test.for(TABLES)("%s: DISABLE / NO FORCE row level security, DROP or CREATE POLICY all fail", async (table, { app }) => {
    // 42501: must be owner of table
    expect(await attempt(app, `alter table ${table} disable row level security`)).toBe("42501");
    expect(await attempt(app, `alter table ${table} no force row level security`)).toBe("42501");
    expect(await attempt(app, `drop policy tenant_isolation on ${table}`)).toBe("42501");
    expect(await attempt(app, `create policy open_door on ${table} using (true)`)).toBe("42501");
    expect(await attempt(app, `alter table ${table} owner to ${APP_ROLE}`)).toBe("42501");
  });

  test.for(TABLES)("%s: SET row_security = off makes the query fail instead of skipping the policy", async (table, { app }) => {
    // 42501: query would be affected by row-level security policy
    expect(await attempt(app, "set local row_security = off", `select count(*) from ${table}`)).toBe("42501");
  });

  test("cannot become the owner, the system role or a superuser", async ({ app }) => {
    for (const role of ["postgres", SYSTEM_ROLE]) {
      expect(await attempt(app, `set role ${role}`)).toBe("42501");
      expect(await attempt(app, `set session authorization ${role}`)).toBe("42501");
    }
    expect(await attempt(app, `grant ${SYSTEM_ROLE} to ${APP_ROLE}`)).toBe("42501");
    expect(await attempt(app, `alter role ${APP_ROLE} bypassrls`)).toBe("42501");
  });

  test("cannot replace the functions the policies call", async ({ app }) => {
    const replaced = await attempt(app, 
      "create or replace function spine_current_workspace() returns uuid language sql stable as $$ select null::uuid $$",
    );
    expect(replaced).toBe("42501");
  });

  test("with no workspace set, sees no tenant row at all", async ({ app }) => {
    const { rows } = await app.query("select count(*)::int as n from projects");
    expect(rows[0]).toEqual({ n: 0 });
  });
});
