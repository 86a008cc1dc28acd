import {
  CheckConstraintViolationException,
  DeadlockException,
  DriverException,
  ForeignKeyConstraintViolationException,
  LockWaitTimeoutException,
  NotNullConstraintViolationException,
  UniqueConstraintViolationException,
} from "@mikro-orm/core";
import { AppError } from "./app-error.ts";

/** SQLSTATE insufficient_privilege: an RLS `with check` failure or a missing grant. */
const INSUFFICIENT_PRIVILEGE = "42501";

/**
 * Map a driver error to the domain vocabulary by its class; anything unrecognised is returned
 * unchanged (it is a bug, not a domain outcome). The driver error is kept as `cause`.
 */
export function toAppError(err: unknown): unknown {
  if (err instanceof AppError) return err;
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
    return new AppError("FORBIDDEN", "write outside the operation's workspace", cause);
  }
  return err;
}
