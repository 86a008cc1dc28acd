import { createHash } from "node:crypto";

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/** Fingerprint of a call: its procedure and its input with keys in a fixed order. */
export function requestHash(procedure: string, input: unknown): string {
  return createHash("sha256").update(procedure).update("\n").update(JSON.stringify(canonical(input ?? null))).digest("hex");
}
