/** Lower-cased words of letters and digits (any script); the unit the offline models count. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? [];
}
