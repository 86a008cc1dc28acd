/**
 * Limits on JSON that enters Spine from outside (API request bodies and query inputs, inbound
 * webhooks). They are applied once, at the edge, on the raw text — before anything recursive
 * (hashing, validation, serialisation) touches the parsed value — so no input can exhaust the stack.
 */

/** Deepest nesting of objects/arrays accepted anywhere in an input. */
export const MAX_JSON_DEPTH = 64;

export const JSON_DEPTH_MESSAGE = `must be nested at most ${MAX_JSON_DEPTH} levels deep`;

/** Path segments named in an issue before it is cut short with `…`. */
const PATH_SEGMENTS_SHOWN = 6;

export interface JsonDepthViolation {
  /** Dotted path of the first container nested too deep, e.g. `metadata.a.a.a.a.a.…`; `(root)` at the top. */
  path: string;
  message: string;
}

type Frame = { array: true; index: number } | { array: false; key: string | null };

function keyOf(raw: string): string {
  try {
    return String(JSON.parse(raw));
  } catch {
    return raw.slice(1, -1);
  }
}

function pathOf(stack: readonly Frame[]): string {
  const segments = stack.map((f) => (f.array ? String(f.index) : (f.key ?? "")));
  if (segments.length === 0) return "(root)";
  const shown = segments.slice(0, PATH_SEGMENTS_SHOWN).join(".");
  return segments.length > PATH_SEGMENTS_SHOWN ? `${shown}.…` : shown;
}

/**
 * The first container in JSON `text` nested deeper than `maxDepth`, or null. One pass over the text,
 * no parsing and no recursion; malformed JSON is not judged here (the parser refuses it afterwards).
 */
export function findJsonDepthViolation(text: string, maxDepth = MAX_JSON_DEPTH): JsonDepthViolation | null {
  const stack: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      for (i += 1; i < text.length; i += 1) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 1;
        else if (d === 0x22) break;
      }
      const top = stack[stack.length - 1];
      if (expectKey && top && !top.array) top.key = keyOf(text.slice(start, i + 1));
      expectKey = false;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) return { path: pathOf(stack), message: `must be nested at most ${maxDepth} levels deep` };
      stack.push(c === 0x5b ? { array: true, index: 0 } : { array: false, key: null });
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.array) top.index += 1;
      else if (top) expectKey = true;
    }
  }
  return null;
}

/** Why PostgreSQL would refuse to store this string (NUL in text/jsonb, lone surrogates in jsonb), if it would. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const NUL_TEXT_MESSAGE = "must not contain NUL characters";
export const LONE_SURROGATE_TEXT_MESSAGE = "must not contain unpaired UTF-16 surrogates";

export function unstorableTextReason(value: string): string | null {
  if (value.includes("\u0000")) return NUL_TEXT_MESSAGE;
  if (LONE_SURROGATE.test(value)) return LONE_SURROGATE_TEXT_MESSAGE;
  return null;
}

/**
 * The first key or string value (at any depth, walked without recursion) PostgreSQL could not store,
 * with its dotted path, or null.
 */
export function findUnstorableJsonText(value: unknown): { path: string; message: string } | null {
  const work: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (work.length > 0) {
    const next = work.pop();
    if (!next) break;
    const at = next.path.join(".") || "(root)";
    if (typeof next.value === "string") {
      const reason = unstorableTextReason(next.value);
      if (reason) return { path: at, message: reason };
    } else if (Array.isArray(next.value)) {
      for (let i = next.value.length - 1; i >= 0; i -= 1) work.push({ value: next.value[i], path: [...next.path, String(i)] });
    } else if (next.value !== null && typeof next.value === "object") {
      const entries: [string, unknown][] = Object.entries(next.value as Record<string, unknown>);
      for (const [key] of entries) {
        const reason = unstorableTextReason(key);
        if (reason) return { path: at, message: `keys ${reason}` };
      }
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        const [key, v] = entries[i]!;
        work.push({ value: v, path: [...next.path, key] });
      }
    }
  }
  return null;
}

/** Whether a parsed value nests objects/arrays deeper than `maxDepth` (walked without recursion). */
export function jsonValueTooDeep(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  const work: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (work.length > 0) {
    const next = work.pop();
    if (!next || next.value === null || typeof next.value !== "object") continue;
    const depth = next.depth + 1;
    if (depth > maxDepth) return true;
    for (const v of Array.isArray(next.value) ? next.value : Object.values(next.value)) {
      if (v !== null && typeof v === "object") work.push({ value: v, depth });
    }
  }
  return false;
}
