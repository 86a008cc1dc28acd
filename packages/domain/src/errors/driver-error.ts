import {
  CheckConstraintViolationException,
  DeadlockException,
  DriverException,
  ForeignKeyConstraintViolationException,
  LockWaitTimeoutException,
  NotNullConstraintViolationException,
  UniqueConstraintViolationException,
} from "@mikro-orm/core";
import { EnvelopeError } from "@spine/contracts";
import { AppError } from "./app-error.ts";

/** SQLSTATE insufficient_privilege: an RLS `with check` failure or a missing grant. */
const INSUFFICIENT_PRIVILEGE = "42501";

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
  if (err instanceof DeadlockException || err instanceof LockWaitTimeoutException) {
    return new AppError("CONFLICT", "a concurrent change conflicted; retry the operation", cause);
  }
  if (err.code === INSUFFICIENT_PRIVILEGE) {
    return new AppError("FORBIDDEN", "not permitted: outside the operation's workspace, or history that cannot be edited", cause);
  }
  return err;
}
