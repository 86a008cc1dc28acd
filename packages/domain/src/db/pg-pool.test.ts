import { describe, expect } from "vitest";
import { dbTest as test } from "../test-support/fixtures.ts";
import { createPgPool } from "./pg-pool.ts";

describe("createPgPool", () => {
  test("survives a backend terminated while a client is checked out, and discards that client", async ({ db, ownerSql }) => {
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
      await ownerSql.query("select pg_terminate_backend($1)", [pid]);
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
