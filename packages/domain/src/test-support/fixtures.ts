import pg from "pg";
import { test as baseTest } from "vitest";
import { Domain } from "../runtime/domain.ts";
import { createTestDatabase, testKeyRing } from "./test-database.ts";

/**
 * vitest fixtures for tests against the real PostgreSQL, all file-scoped: built the first time a test of the
 * file asks (as a `beforeAll` would), cleaned up after the file's last test (as an `afterAll` would):
 * - `db`: a fresh, migrated database (owner, app and system URLs), dropped after the file;
 * - `domain`: a Domain on it (app role with RLS for `run`, system role for `runSystem`), closed;
 * - `systemSql`: a client of the system role (bypasses RLS) for seeding and assertions across workspaces;
 * - `ownerSql`: a client of the database owner (DDL, locks, `pg_terminate_backend`, reading past every grant).
 *
 * `@spine/testing/fixtures` re-exports it as `dbTest`, with the NATS fixtures beside it.
 */
export const dbTest = baseTest
  // vitest reads a fixture's dependencies from its first parameter's pattern: `{}` means none.
  // eslint-disable-next-line no-empty-pattern
  .extend("db", { scope: "file" }, async ({}, { onCleanup }) => {
    const db = await createTestDatabase("fx");
    onCleanup(() => db.drop());
    return db;
  })
  .extend("domain", { scope: "file" }, async ({ db }, { onCleanup }) => {
    const domain = await Domain.create({ clientUrl: db.appUrl, systemUrl: db.systemUrl, poolMax: 4, keyRing: testKeyRing() });
    onCleanup(() => domain.close());
    return domain;
  })
  .extend("systemSql", { scope: "file" }, async ({ db }, { onCleanup }) => {
    const client = new pg.Client({ connectionString: db.systemUrl });
    await client.connect();
    onCleanup(() => client.end());
    return client;
  })
  .extend("ownerSql", { scope: "file" }, async ({ db }, { onCleanup }) => {
    const client = new pg.Client({ connectionString: db.ownerUrl });
    await client.connect();
    onCleanup(() => client.end());
    return client;
  });
