import { isoTimestamp, JSON_DEPTH_MESSAGE, jsonValueTooDeep, LONE_SURROGATE_TEXT_MESSAGE, NUL_TEXT_MESSAGE, unstorableTextReason } from "@spine/contracts";
import { z } from "zod";

export { unstorableTextReason };

/** Ids are canonical lower case from the edge on, so a key or subject never differs by case. */
export const ZIdSchema = z.uuid({ error: "must be a UUID" }).toLowerCase();
/** An ISO 8601 timestamp with an offset, in years 1900-9999 (UTC), so PostgreSQL never overflows on it. */
export const ZTimestampSchema = isoTimestamp();

export const NUL_MESSAGE = NUL_TEXT_MESSAGE;
export const LONE_SURROGATE_MESSAGE = LONE_SURROGATE_TEXT_MESSAGE;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A string Postgres can store and compare: no NUL, no lone UTF-16 surrogates. Build free-text inputs on it. */
export const ZTextSchema = z
  .string()
  .refine((v) => !v.includes("\u0000"), NUL_MESSAGE)
  .refine((v) => !LONE_SURROGATE.test(v), LONE_SURROGATE_MESSAGE);

export const ZNameSchema = ZTextSchema.trim().min(1, "must not be empty").max(200, "must be at most 200 characters");

/** Issues for every key and string value (at any depth) Postgres could not store, at its own path. */
function checkJsonText(value: unknown, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (typeof value === "string") {
    const reason = unstorableTextReason(value);
    if (reason) ctx.addIssue({ code: "custom", message: reason, path });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkJsonText(v, [...path, i], ctx));
  } else if (value !== null && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      const reason = unstorableTextReason(key);
      if (reason) ctx.addIssue({ code: "custom", message: `keys ${reason}`, path });
      else checkJsonText(v, [...path, key], ctx);
    }
  }
}

const MAX_JSON_BYTES = 64 * 1024;
/**
 * A JSON object of at most 64 KiB and 64 levels (settings, metadata, credentials), every key and string
 * storable. The depth check runs first and stops the rest, so nothing recursive sees a deeper value.
 */
export const ZJsonObjectSchema = z
  .record(z.string(), z.unknown())
  .refine((v) => !jsonValueTooDeep(v), { error: JSON_DEPTH_MESSAGE, abort: true })
  .refine((v) => Buffer.byteLength(JSON.stringify(v)) <= MAX_JSON_BYTES, `must serialise to at most ${MAX_JSON_BYTES} bytes`)
  .superRefine((v, ctx) => checkJsonText(v, [], ctx));

/**
 * An input array capped at `max` elements before any element is validated, so an oversize array costs
 * one issue instead of one per element. (A plain `z.array(e).max(n)` validates every element first.)
 */
export function zBoundedArray<T extends z.ZodType>(element: T, max: number): z.ZodType<z.output<T>[], z.input<T>[]> {
  const capped = z.array(z.unknown(), { error: "must be an array" }).max(max, { error: `must have at most ${max} items` });
  return capped.pipe(z.array(element)) as unknown as z.ZodType<z.output<T>[], z.input<T>[]>;
}

/** Cursor pagination input: ids are UUIDv7, so "older than cursor" is "id below cursor". */
export const ZPageInputSchema = z.object({
  cursor: ZIdSchema.optional(),
  limit: z.number().int().min(1).max(100).default(50),
});

export function zPage<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** An entity's nullable property is typed `Date | null | undefined` (`defineEntity`); all mean "no date". */
export function iso(date: Date): string;
export function iso(date: Date | null | undefined): string | null;
export function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}
