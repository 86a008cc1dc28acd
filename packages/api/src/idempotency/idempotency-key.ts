import { AppError } from "@spine/domain";

export interface IdempotencyRequest {
  key: string;
  procedure: string;
  requestHash: string;
}

const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/** Validate an `Idempotency-Key` header value. */
export function parseIdempotencyKey(value: string): string {
  if (!VALID_KEY.test(value)) {
    throw AppError.badRequest("invalid Idempotency-Key", [{ path: "idempotency-key", message: "must be 1-255 visible ASCII characters" }]);
  }
  return value;
}
