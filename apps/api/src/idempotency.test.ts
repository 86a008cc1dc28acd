import { randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import type { Harness } from "./test-support/api-harness.ts";
import { hostTest as test } from "./test-support/fixtures.ts";

const projectCount = async (h: Harness, name: string) =>
  Number((await h.sql.query<{ n: string }>("select count(*)::text as n from projects where name = $1", [name])).rows[0]?.n);

describe("Idempotency-Key over HTTP", () => {
  test("refuses an HTTP batch, so one key can never cover several calls", async ({ h, owner, f }) => {
    const before = await h.fingerprint();
    const input = { workspaceId: f.workspaceId, name: "batched" };
    const batch = async (headers: Record<string, string>) => {
      const res = await fetch(`${h.api.trpcUrl}/project.create,project.create?batch=1`, {
        method: "POST",
        headers: { ...headers, authorization: `Bearer ${owner.session.accessToken}`, "content-type": "application/json" },
        body: JSON.stringify({ 0: input, 1: input }),
      });
      return { status: res.status, text: await res.text() };
    };
    for (const headers of [{ "idempotency-key": randomUUID() }, {} as Record<string, string>]) {
      const res = await batch(headers);
      expect(res.status).toBe(400);
      expect(res.text).toContain("BAD_REQUEST");
      expect(res.text).toMatch(/[Bb]atching/);
    }
    expect(await projectCount(h, "batched")).toBe(0);
    expect(await h.fingerprint()).toEqual(before);
  });
});
