/** Keys whose values are secret material; matched anywhere in the key, case-insensitively (camel or snake case). */
const SECRET_KEY = /pass(word|phrase)?|secret|token|credential|api_?key|access_?key|private_?key|signing_?key|authorization|cookie|bearer/i;
export const REDACTED = "[redacted]";

/** Deep copy with every secret-looking key's value replaced; used for audit diffs and logs. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
