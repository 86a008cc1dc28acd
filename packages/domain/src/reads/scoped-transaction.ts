import type pg from "pg";
import { sessionSettingsStatement, type SessionScope } from "../context/session-settings.ts";

/** Run `fn` inside BEGIN/COMMIT on a client of `pool`; roll back if it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
  options: { readOnly?: boolean } = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(options.readOnly ? "begin read only" : "begin");
    const result = await fn(client);
    await client.query("commit");
    return result;
  } catch (err) {
    await client.query("rollback").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** A transaction on `pool` with the session settings of `scope` applied (`SET LOCAL` semantics). */
export function withScopedTransaction<T>(
  pool: pg.Pool,
  scope: SessionScope,
  fn: (client: pg.PoolClient) => Promise<T>,
  options: { readOnly?: boolean } = {},
): Promise<T> {
  return inTransaction(
    pool,
    async (client) => {
      const { sql, params } = sessionSettingsStatement(scope, "pg");
      await client.query(sql, params);
      return fn(client);
    },
    options,
  );
}
