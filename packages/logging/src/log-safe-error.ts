const SQL_HEAD = /^\s*(select|insert|update|delete|with|begin|commit|set|alter|create|drop)\b/i;
/** A PostgreSQL SQLSTATE: five digits or upper-case letters (e.g. `23505`, `08P01`, `40P01`). */
const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * Driver messages start with the whole statement, parameters inlined ("insert into … values
 * ('secret') - duplicate key …"); keep only the database's own reason after the last " - ".
 */
export function stripSql(text: string): string {
  if (!SQL_HEAD.test(text)) return text;
  const cut = text.lastIndexOf(" - ");
  return cut >= 0 ? text.slice(cut + 3) : "(statement omitted)";
}

/**
 * A pino `err` serializer that never writes SQL statements or their parameters (which may hold
 * credentials, tokens or personal data): type, SQLSTATE, the database's reason, the application
 * error code, and a stack whose first line is scrubbed the same way. It knows errors by shape only
 * (`name`, `code`), so it needs neither the ORM nor the driver.
 */
export function logSafeError(err: unknown, depth = 0): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err, value: typeof err === "string" ? stripSql(err) : "[non-error value]" };
  const out: Record<string, unknown> = { type: err.name, message: stripSql(err.message) };
  const code = "code" in err && typeof err.code === "string" ? err.code : undefined;
  if (code !== undefined) {
    if (err.name === "AppError") out.code = code;
    else if (SQLSTATE.test(code)) out.sqlState = code;
    else out.code = code;
  }
  if (err.stack) out.stack = err.stack.split("\n").map((line, i) => (i === 0 ? `${err.name}: ${stripSql(err.message)}` : line)).join("\n");
  if (err.cause !== undefined && depth < 3) out.cause = logSafeError(err.cause, depth + 1);
  return out;
}

/** Serializers every Spine logger uses: `pino({ serializers: LOG_SERIALIZERS })`. */
export const LOG_SERIALIZERS = { err: (err: unknown) => logSafeError(err), error: (err: unknown) => logSafeError(err) };
