/** Keys whose values are secret material; matched anywhere in the key, case-insensitively (camel or snake case). */
const SECRET_KEY = /pass(word|phrase)?|secret|token|credential|api_?key|access_?key|private_?key|signing_?key|authorization|cookie|bearer/i;
export const REDACTED = "[redacted]";

/** Below this depth a value is not inspected key by key: it is replaced whole, so nothing deeper can leak. */
const MAX_INSPECTED_DEPTH = 32;

/** Deep copy with every secret-looking key's value replaced, at any depth; used for audit diffs, views and logs. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_INSPECTED_DEPTH) return REDACTED;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
