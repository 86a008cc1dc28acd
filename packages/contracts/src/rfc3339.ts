import { z } from "zod";

/** RFC 3339 date-time: seconds required, optional fraction, `Z` or a numeric offset. */
const RFC3339 = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** Rejects dates a lenient parser would roll over, such as February 31st. */
function isCalendarDate(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split("-").map(Number);
  if (y === undefined || m === undefined || d === undefined) return false;
  return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d && !Number.isNaN(Date.parse(value));
}

/** Timestamps outside these UTC years are refused: PostgreSQL has no year 0 and JS none past 9999 in ISO form. */
export const MIN_TIMESTAMP_YEAR = 1900;
export const MAX_TIMESTAMP_YEAR = 9999;
export const TIMESTAMP_RANGE_MESSAGE = `must be between the years ${MIN_TIMESTAMP_YEAR} and ${MAX_TIMESTAMP_YEAR}`;

/** Whether an ISO timestamp falls (in UTC, after its offset) inside the accepted years. */
export function inTimestampRange(value: string): boolean {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return false;
  const year = new Date(ms).getUTCFullYear();
  return year >= MIN_TIMESTAMP_YEAR && year <= MAX_TIMESTAMP_YEAR;
}

/** An ISO 8601 date-time with an offset (API inputs), in the accepted years. */
export function isoTimestamp() {
  return z.iso.datetime({ offset: true }).refine(inTimestampRange, { error: TIMESTAMP_RANGE_MESSAGE });
}

/** A timestamp as the envelope carries it; `2026-11-28T07:00Z` (no seconds) is ISO 8601 but not RFC 3339. */
export function rfc3339(message = "must be an RFC 3339 timestamp") {
  return z
    .string({ error: message })
    .regex(RFC3339, { error: message })
    .refine(isCalendarDate, { error: message, abort: true })
    .refine(inTimestampRange, { error: TIMESTAMP_RANGE_MESSAGE });
}
