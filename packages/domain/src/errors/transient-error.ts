/**
 * SQLSTATEs that say "the same statement may succeed if retried": the transaction was rolled back by
 * the server, or the server could not serve it right now.
 */
const TRANSIENT_SQLSTATES = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "53300", // too_many_connections
  "53400", // configuration_limit_exceeded
  "57P01", // admin_shutdown (pg_terminate_backend, a fast shutdown)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, recovery)
  "08000", // connection_exception
  "08001", // sqlclient_unable_to_establish_sqlconnection
  "08003", // connection_does_not_exist
  "08004", // sqlserver_rejected_establishment_of_sqlconnection
  "08006", // connection_failure
]);

/** Socket-level codes of a lost or refused connection. */
const TRANSIENT_NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTCONN"]);

/** Messages `pg`, `pg-pool` and knex give a lost connection or an exhausted pool (they carry no code). */
const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /is not queryable/i,
  /timeout acquiring a connection/i,
  /timeout exceeded when trying to connect/i,
  /connection (?:was )?closed/i,
  // knex, when a transaction's BEGIN met a connection the server had just terminated: the transaction
  // is marked complete (rolled back) and the operation's first statement reports this instead. Domain
  // operations never query a transaction after it finished, so here it always means a lost connection.
  /transaction query already complete/i,
];

function isTransientOne(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_NODE_CODES.has(code))) return true;
  if (err.name === "KnexTimeoutError") return true;
  return TRANSIENT_MESSAGES.some((pattern) => pattern.test(err.message));
}

/**
 * Whether a database failure is transient: retrying the whole operation may succeed. Walks the cause
 * chain (driver wrappers keep the original as `cause`) a bounded number of steps.
 */
export function isTransientDatabaseError(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    if (isTransientOne(current)) return true;
    current = current.cause;
  }
  return false;
}
