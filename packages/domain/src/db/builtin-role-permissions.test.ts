import { randomUUID } from "node:crypto";
import { Migrator } from "@mikro-orm/migrations";
import { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import { describe, expect, test } from "vitest";
import { TEST_PG_URL } from "../test-support/test-database.ts";
import { BUILT_IN_ROLES } from "../modules/identity/permissions.ts";
import { dropDatabase, ensureDatabase, MIGRATIONS } from "./migrate.ts";

// `ownerUrl`: a database of its own, created empty (the test migrates it in two steps), dropped after the file.
// vitest reads a fixture's dependencies from its first parameter's pattern: `{}` means none.
// eslint-disable-next-line no-empty-pattern
const it = test.extend("ownerUrl", { scope: "file" }, async ({}, { onCleanup }) => {
  const url = new URL(TEST_PG_URL);
  url.pathname = `/spine_test_rolemig_${randomUUID().slice(0, 8)}`;
  const ownerUrl = url.toString();
  await ensureDatabase(ownerUrl);
  onCleanup(() => dropDatabase(ownerUrl));
  return ownerUrl;
});

describe("Migration20261128000400_builtin_role_permissions", () => {
  it("brings built-in roles of workspaces created before it up to today's permission lists, leaving custom roles alone", async ({ ownerUrl }) => {
    const orm = await MikroORM.init({
      clientUrl: ownerUrl, entities: [], discovery: { warnWhenNoEntities: false },
      extensions: [Migrator], migrations: { migrationsList: MIGRATIONS, snapshot: false, silent: true },
    });
    const db = new pg.Client({ connectionString: ownerUrl });
    try {
      await orm.getMigrator().up({ to: "Migration20261128000310_governance_checks" });
      await db.connect();
      const user = randomUUID();
      const ws = randomUUID();
      await db.query("insert into users (id, email, password_hash, display_name) values ($1, 'old@t.local', 'x', 'Old')", [user]);
      await db.query("insert into workspaces (id, name, slug, created_by) values ($1, 'Old', 'old', $2)", [ws, user]);
      const old = ["workspace.read", "projects.read"];
      for (const key of ["owner", "admin", "member", "viewer", "custom"]) {
        await db.query("insert into roles (id, workspace_id, key, name, permissions, built_in) values ($1, $2, $3, $3, $4, $5)", [randomUUID(), ws, key, old, key !== "custom"]);
      }
      await orm.getMigrator().up();
      const { rows } = await db.query<{ key: string; permissions: string[] }>("select key, permissions from roles where workspace_id = $1", [ws]);
      const byKey = Object.fromEntries(rows.map((r) => [r.key, r.permissions]));
      for (const key of ["owner", "admin", "member", "viewer"] as const) {
        const added = BUILT_IN_ROLES[key].permissions.filter((p) => /^(integrations|usage|access|agents)\./.test(p));
        expect(byKey[key]).toEqual([...old, ...added]);
      }
      expect(byKey.custom).toEqual(old);
    } finally {
      await db.end();
      await orm.close(true);
    }
  });
});
