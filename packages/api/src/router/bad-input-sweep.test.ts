import { describe, expect } from "vitest";
import type { ApiHarness } from "../test-support/api-harness.ts";
import { apiTest as test } from "../test-support/fixtures.ts";
import { UNSCOPED_PROCEDURES, WORKSPACE_PROCEDURES } from "../test-support/procedure-table.ts";

/**
 * No input reaches a 500: every workspace procedure, called with a valid input in which one field at a
 * time (top-level and one level down) is replaced by a hostile value, answers a typed 4xx (or succeeds).
 * A 5xx here is a defect: bad input must be refused by name, never crash a handler or the database,
 * and no answer carries a stack frame, a source path or SQL.
 */
const HOSTILE: readonly unknown[] = [
  null, -1, 0, 1.5, 2 ** 53 + 2, 1e308, -1e308, true, "", " ", "x".repeat(70_000), "a\u0000b", "\ud800", "' or 1=1 --",
  "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "2024-02-30T25:61:61Z", "00000000-0000-0000-0000-000000000000",
  [], [null], {}, { __proto__: { admin: true } }, { "": { "": [] } },
];

/** What an error body must never carry: a stack frame, a source path, SQL. */
const LEAK = /\n\s+at |node_modules|\.ts:\d+|\bselect\b.*\bfrom\b|\binsert into\b/i;

/** One call, answered as status and body text (in-process: the input still crosses JSON and the edge's checks). */
async function call(h: ApiHarness, path: string, type: "query" | "mutation", input: unknown, token: string): Promise<{ status: number; body: string }> {
  const res = await h.raw(path, { type, input, token });
  return { status: res.status, body: JSON.stringify(res.body) };
}

function variants(input: Record<string, unknown>): Array<{ field: string; input: unknown }> {
  const out: Array<{ field: string; input: unknown }> = [{ field: "(whole input)", input: [] }, { field: "(whole input)", input: "x" }];
  for (const [key, value] of Object.entries(input)) {
    for (const bad of HOSTILE) out.push({ field: key, input: { ...input, [key]: bad } });
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const inner of Object.keys(value)) {
        for (const bad of HOSTILE) out.push({ field: `${key}.${inner}`, input: { ...input, [key]: { ...(value), [inner]: bad } } });
      }
    }
  }
  return out;
}

describe("hostile inputs never answer 5xx", () => {
  for (const c of WORKSPACE_PROCEDURES) {
    test(c.path, async ({ api: h, workspace: f, owner }) => {
      const valid = await c.input(f, null);
      const failures: string[] = [];
      for (const v of variants(valid)) {
        const res = await call(h, c.path, c.type, v.input, owner.session.accessToken);
        if (res.status >= 500 || LEAK.test(res.body)) failures.push(`${v.field}=${JSON.stringify(v.input).slice(0, 120)} -> ${res.status} ${res.body.slice(0, 200)}`);
      }
      expect(failures).toEqual([]);
    }, 120_000);
  }
  test("unscoped procedures", async ({ api: h, owner }) => {
    const failures: string[] = [];
    for (const path of UNSCOPED_PROCEDURES) {
      const type = path === "auth.me" || path === "workspace.listMine" ? "query" : "mutation";
      for (const v of variants({ email: "a@b.test", password: "long enough password", displayName: "N", name: "W", refreshToken: "r" })) {
        const res = await call(h, path, type, v.input, owner.session.accessToken);
        if (res.status >= 500 || LEAK.test(res.body)) failures.push(`${path} ${v.field} -> ${res.status} ${res.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
