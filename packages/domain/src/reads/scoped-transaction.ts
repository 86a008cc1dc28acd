import type pg from "pg";
import { sessionSettingsStatement, type SessionScope } from "../context/session-settings.ts";

/** Statements sent in the same round trip as the transaction's COMMIT (complete SQL text, no parameters). */
export type AtCommit = (sql: string) => void;

/**
 * Run `fn` inside BEGIN/COMMIT on a client of `pool`; roll back if it throws (or if the COMMIT's query is
 * refused). `beginWith` is sent in BEGIN's round trip (a `set local`, say); what `fn` hands to `atCommit` is
 * sent in COMMIT's round trip, before it, as one multi-statement query — text only, so any value in it must
 * already be an escaped literal.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient, atCommit: AtCommit) => Promise<T>,
  options: { readOnly?: boolean; beginWith?: string } = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    const begin = options.readOnly ? "begin read only" : "begin";
    await client.query(options.beginWith ? `${begin}; ${options.beginWith}` : begin);
    const tail: string[] = [];
    const result = await fn(client, (sql) => tail.push(sql));
    await client.query([...tail, "commit"].join(";\n"));
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
