/** Ids are canonical lower case from the edge on, so a key, an audit target or a subject never differs by case. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** An operator-typed id in its canonical form (trimmed, lower case). */
export function canonicalId(value: string): string {
  return value.trim().toLowerCase();
}

/**
 * A subject pattern with every UUID token lower-cased (`evt.<WS>.project.>` → `evt.<ws>.project.>`):
 * subjects are case-sensitive and always carry lower-case ids, so an upper-case pattern would match nothing.
 */
export function canonicalSubjectPattern(pattern: string): string {
  return pattern
    .split(".")
    .map((token) => (UUID.test(token) ? token.toLowerCase() : token))
    .join(".");
}
