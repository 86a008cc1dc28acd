import { createPgPool } from "@spine/domain";
import type pg from "pg";

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** The one thing a handler gets from the database: queries inside the current transaction. */
export interface Tx {
  query<R extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

/**
 * Runs a function in one transaction. A workspace id scopes the transaction to that tenant
 * (row-level security applies); `null` is the system scope (relay, dead letters, system events).
 * The bus only knows this interface, so it does not depend on the domain package.
 */
export interface TxRunner {
  run<T>(workspaceId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T>;
}

export interface PgTxRunnerOptions {
  /** Pool of the app role (RLS enforced): tenant transactions. */
  appPool: pg.Pool;
  /** Pool of the system role (BYPASSRLS): system-scope transactions. */
  systemPool: pg.Pool;
}

function wrap(client: pg.PoolClient): Tx {
  return {
    async query<R extends object>(sql: string, params?: readonly unknown[]) {
      const res = await client.query<R>(sql, params ? [...params] : undefined);
      return { rows: res.rows, rowCount: res.rowCount ?? 0 };
    },
  };
}

/** Run `fn` inside BEGIN/COMMIT on a client of `pool`; roll back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
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

/** The default TxRunner over `pg`: tenant work as the app role with `app.workspace_id` set locally. */
export class PgTxRunner implements TxRunner {
  constructor(private readonly options: PgTxRunnerOptions) {}

  run<T>(workspaceId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (workspaceId === null) return inTransaction(this.options.systemPool, (client) => fn(wrap(client)));
    return inTransaction(this.options.appPool, async (client) => {
      await client.query("select set_config('app.workspace_id', $1, true)", [workspaceId]);
      return fn(wrap(client));
    });
  }
}

/** A pool whose connection errors (server restart, terminated backend), idle or checked out, are reported, not fatal. */
export function createPool(url: string, max: number, onError?: (err: Error) => void): pg.Pool {
  return createPgPool({ connectionString: url, max, ...(onError ? { onError } : {}) });
}

/** Pools for the two roles; the caller ends them. */
export function createRolePools(urls: { appUrl: string; systemUrl: string; max?: number; onError?: (err: Error) => void }): PgTxRunnerOptions {
  return {
    appPool: createPool(urls.appUrl, urls.max ?? 10, urls.onError),
    systemPool: createPool(urls.systemUrl, urls.max ?? 10, urls.onError),
  };
}
