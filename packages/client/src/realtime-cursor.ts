import type { TCursor } from "@spine/contracts";

/** Cursors are uint64 stream sequences as strings; compare them without losing precision. */
export function isAfter(cursor: TCursor, than: TCursor | null): boolean {
  return than === null || BigInt(cursor) > BigInt(than);
}
