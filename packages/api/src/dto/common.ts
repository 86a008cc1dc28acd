import { z } from "zod";

export const ZIdSchema = z.uuid({ error: "must be a UUID" });
export const ZTimestampSchema = z.iso.datetime({ offset: true });
export const ZNameSchema = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters");

const MAX_JSON_BYTES = 64 * 1024;
/** A JSON object of at most 64 KiB (settings, metadata). */
export const ZJsonObjectSchema = z
  .record(z.string(), z.unknown())
  .refine((v) => Buffer.byteLength(JSON.stringify(v)) <= MAX_JSON_BYTES, `must serialise to at most ${MAX_JSON_BYTES} bytes`);

/** Cursor pagination input: ids are UUIDv7, so "older than cursor" is "id below cursor". */
export const ZPageInputSchema = z.object({
  cursor: ZIdSchema.optional(),
  limit: z.number().int().min(1).max(100).default(50),
});

export function zPage<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
