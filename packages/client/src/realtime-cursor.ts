import type { TCursor } from "@spine/contracts";

/**
 * Cursors are uint64 stream sequences as canonical decimal strings (no sign, no leading zeros: the
 * catalog's cursor schema), so the longer one is larger and equal lengths compare as text — exactly,
 * past 2^53, without a number or a BigInt per event.
 */
export function isAfter(cursor: TCursor, than: TCursor | null): boolean {
  if (than === null) return true;
  return cursor.length === than.length ? cursor > than : cursor.length > than.length;
}
