import {
  CheckConstraintViolationException,
  DriverException,
  ForeignKeyConstraintViolationException,
  LockWaitTimeoutException,
  NotNullConstraintViolationException,
  UniqueConstraintViolationException,
} from "@mikro-orm/core";
import { EnvelopeError } from "@spine/contracts";
import { AppError } from "./app-error.ts";
import { isTransientDatabaseError } from "./transient-error.ts";

/** SQLSTATE insufficient_privilege: an RLS `with check` failure or a missing grant. */
const INSUFFICIENT_PRIVILEGE = "42501";

/**
 * Input Postgres cannot store or parse (NUL bytes, lone surrogates, malformed text for a type, a
 * statement made too large by the input): the caller's data is at fault, not the system.
 */
const BAD_INPUT_SQLSTATES: Readonly<Record<string, string>> = {
  "22P05": "a text field contains a character that cannot be stored (e.g. NUL)",
  "22021": "a text field contains an invalid character sequence",
  "22P02": "a field has a malformed value for its type",
  "54001": "the input is too large or deeply nested",
  "22007": "a timestamp field has an invalid format",
  "22008": "a timestamp field is out of range",
  // protocol_violation: a NUL byte reached the statement text (MikroORM's execute() inlines values).
  "08P01": "a text field contains a character that cannot be stored (e.g. NUL)",
};

/** A raw `pg` DatabaseError: the QueryBuilder's `execute()` rethrows these unconverted. */
function isRawDatabaseError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && !(err instanceof DriverException) && "severity" in err && "code" in err && typeof err.code === "string";
}

export type ConvertException = (err: Error & { code: string }) => DriverException;

/**
 * Map a driver error to the domain vocabulary by its class; anything unrecognised is returned
 * unchanged (it is a bug, not a domain outcome). The driver error is kept as `cause`. Raw `pg`
 * errors are first converted to MikroORM's exception classes by the platform's converter.
 */
export function toAppError(input: unknown, convert?: ConvertException): unknown {
  const err = convert && isRawDatabaseError(input) ? convert(input) : input;
  if (err instanceof AppError) return err;
  // Domain code built an envelope that breaks its contract: a bug, reported with the offending fields.
  if (err instanceof EnvelopeError) return new AppError("INTERNAL", err.message, { issues: err.issues, cause: err });
  // Lost connection, serialization failure, deadlock, too many connections: the operation rolled back whole.
  if (isTransientDatabaseError(err)) {
    return new AppError("UNAVAILABLE", "the database is temporarily unavailable; retry the request", { cause: err });
  }
  if (!(err instanceof DriverException)) return err;
  const cause = { cause: err };
  if (err instanceof UniqueConstraintViolationException) {
    return new AppError("CONFLICT", "a record with these values already exists", cause);
  }
  if (err instanceof ForeignKeyConstraintViolationException) {
    return new AppError("NOT_FOUND", "referenced record not found", cause);
  }
  if (err instanceof NotNullConstraintViolationException) {
    return new AppError("BAD_REQUEST", "a required field is missing", cause);
  }
  if (err instanceof CheckConstraintViolationException) {
    return new AppError("BAD_REQUEST", "a field has a value the record does not allow", cause);
  }
  if (err instanceof LockWaitTimeoutException) {
    return new AppError("CONFLICT", "a concurrent change conflicted; retry the operation", cause);
  }
  const badInput = err.code ? BAD_INPUT_SQLSTATES[err.code] : undefined;
  if (badInput) return new AppError("BAD_REQUEST", badInput, cause);
  if (err.code === INSUFFICIENT_PRIVILEGE) {
    return new AppError("FORBIDDEN", "not permitted: outside the operation's workspace, or history that cannot be edited", cause);
  }
  return err;
}
