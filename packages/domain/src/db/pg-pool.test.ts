import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../test-support/test-database.ts";
import { createPgPool } from "./pg-pool.ts";

let db: TestDatabase;
let admin: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase("pgpool");
  admin = new pg.Client({ connectionString: db.ownerUrl });
  await admin.connect();
});

afterAll(async () => {
  await admin.end();
  await db.drop();
});

describe("createPgPool", () => {
  it("survives a backend terminated while a client is checked out, and discards that client", async () => {
    const errors: Error[] = [];
    let sawError: () => void = () => undefined;
    const errored = new Promise<void>((resolve) => (sawError = resolve));
    const pool = createPgPool({
      connectionString: db.systemUrl,
      max: 1,
      onError: (err) => {
        errors.push(err);
        sawError();
      },
    });
    try {
      const client = await pool.connect();
      const pid = (await client.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]!.pid;
      await admin.query("select pg_terminate_backend($1)", [pid]);
      await errored;
      await expect(client.query("select 1")).rejects.toThrow();
      client.release();

      const next = (await pool.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]!.pid;
      expect(next).not.toBe(pid);
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await pool.end();
    }
  });
});
