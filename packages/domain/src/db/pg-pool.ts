import pg from "pg";

export interface PgPoolOptions {
  connectionString: string;
  max: number;
  idleTimeoutMillis?: number;
  applicationName?: string;
  /** Called for every connection error, idle or checked out; the process keeps running. */
  onError?: (err: Error) => void;
}

/**
 * The one place a `pg` pool is made. `pg` only listens for errors on idle clients, so a backend
 * terminated while a client is checked out (`pg_terminate_backend`, a restart, a failover) emits an
 * unhandled `'error'` and kills the process. Every client gets a listener for its whole life; the query
 * in flight rejects, and `pg-pool` discards the client on release because it is no longer queryable.
 */
export function createPgPool(options: PgPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    ...(options.idleTimeoutMillis === undefined ? {} : { idleTimeoutMillis: options.idleTimeoutMillis }),
    ...(options.applicationName === undefined ? {} : { application_name: options.applicationName }),
  });
  const onError = (err: Error): void => options.onError?.(err);
  pool.on("error", onError);
  pool.on("connect", (client) => {
    client.on("error", onError);
  });
  return pool;
}
