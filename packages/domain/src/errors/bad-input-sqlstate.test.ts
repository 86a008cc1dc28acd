import { describe, expect } from "vitest";
import { dbTest } from "../test-support/fixtures.ts";
import { seedWorkspace, userCtx } from "../test-support/test-domain.ts";

/**
 * Defence in depth behind the input schemas: a value PostgreSQL refuses as malformed input (a
 * timestamp out of range or badly formatted, a NUL byte in the statement) is the caller's 400, not a 500.
 */
const test = dbTest.extend("ws", { scope: "file" }, async ({ domain }) => seedWorkspace(domain, "badinput"));

describe("driver errors caused by the input map to BAD_REQUEST", () => {
  test.for([
    ["22008 datetime_field_overflow", "select ?::timestamptz as v", ["0000-01-01T00:00:00Z"]],
    ["22007 invalid_datetime_format", "select ?::timestamptz as v", ["2026-13-45T99:00:00Z"]],
    ["08P01 protocol_violation (NUL inlined in the statement)", "select ? as v", ["a\u0000b"]],
  ] as const)("%s", async ([_name, sql, params], { domain, ws }) => {
    const run = domain.run(userCtx(ws.workspaceId, ws.userId), (op) => op.em.execute(sql, [...params]));
    await expect(run).rejects.toMatchObject({ name: "AppError", code: "BAD_REQUEST" });
  });

  test("the domain still serves after a protocol violation", async ({ domain, ws }) => {
    const rows = await domain.run(userCtx(ws.workspaceId, ws.userId), (op) => op.em.execute<{ v: number }[]>("select 1 as v"));
    expect(rows[0]?.v).toBe(1);
  });
});
