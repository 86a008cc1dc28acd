import type pg from "pg";
import { inTransaction, withScopedTransaction } from "./scoped-transaction.ts";

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Queries inside the current transaction (structurally the bus's `Tx` port). */
export interface Tx {
  query<R extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export interface RolePools {
  /** Pool of the app role (RLS enforced): tenant transactions. */
  appPool: pg.Pool;
  /** Pool of the system role (BYPASSRLS): system-scope transactions. */
  systemPool: pg.Pool;
}

/** A `Tx` over a client in a transaction, or over a pool (each statement autocommits on its own). */
export function txOf(client: pg.PoolClient | pg.Pool): Tx {
  return {
    async query<R extends object>(sql: string, params?: readonly unknown[]) {
      const res = await client.query<R>(sql, params ? [...params] : undefined);
      return { rows: res.rows, rowCount: res.rowCount ?? 0 };
    },
  };
}

/**
 * Implements the bus's `TxRunner` port over `pg`: a workspace id runs as the app role scoped to that
 * tenant (row-level security applies); `null` is the system scope (relay, dead letters, system events).
 */
export class PgTxRunner {
  constructor(private readonly pools: RolePools) {}

  run<T>(workspaceId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (workspaceId === null) return inTransaction(this.pools.systemPool, (client) => fn(txOf(client)));
    return withScopedTransaction(this.pools.appPool, { workspaceId }, (client) => fn(txOf(client)));
  }
}
