import { createPgPool } from "@spine/domain/reads";
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
 * Port: runs a function in one transaction. A workspace id scopes the transaction to that tenant
 * (row-level security applies); `null` is the system scope (relay, dead letters, system events).
 * The bus only knows this interface; the domain's `@spine/domain/reads` implements it (`PgTxRunner`,
 * which applies the session settings through the domain's one scope function) and the worker wires it.
 */
export interface TxRunner {
  run<T>(workspaceId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T>;
}

export interface RolePools {
  /** Pool of the app role (RLS enforced): tenant transactions. */
  appPool: pg.Pool;
  /** Pool of the system role (BYPASSRLS): system-scope transactions. */
  systemPool: pg.Pool;
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

/** A pool whose connection errors (server restart, terminated backend), idle or checked out, are reported, not fatal. */
export function createPool(url: string, max: number, onError?: (err: Error) => void): pg.Pool {
  return createPgPool({ connectionString: url, max, ...(onError ? { onError } : {}) });
}

/** Pools for the two roles; the caller ends them. */
export function createRolePools(urls: { appUrl: string; systemUrl: string; max?: number; onError?: (err: Error) => void }): RolePools {
  return {
    appPool: createPool(urls.appUrl, urls.max ?? 10, urls.onError),
    systemPool: createPool(urls.systemUrl, urls.max ?? 10, urls.onError),
  };
}
