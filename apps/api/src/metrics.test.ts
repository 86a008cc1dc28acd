import { sampleValue, scrapeMetrics } from "@spine/metrics";
import { describe, expect } from "vitest";
import { hostTest } from "./test-support/fixtures.ts";

const test = hostTest.override("hostOptions", { scope: "file" }, { admin: { port: 0 } });

describe("api metrics on the admin port", () => {
  test("counts requests by procedure and code and times them, after real traffic", async ({ h, owner }) => {
    const adminUrl = h.api.adminUrl ?? "";
    expect(adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(adminUrl).not.toBe(h.api.url);
    const before = await scrapeMetrics(adminUrl);
    const count = (s: typeof before, procedure: string, code: string) => sampleValue(s, "spine_api_requests_total", { app: "api", procedure, code });

    const { workspace } = await owner.client.workspace.create.mutate({ name: "M" });
    await owner.client.project.create.mutate({ workspaceId: workspace.id, name: "one" });
    await owner.client.project.create.mutate({ workspaceId: workspace.id, name: "two" });
    expect((await h.raw("project.create", { type: "mutation", input: { workspaceId: workspace.id, name: "" }, token: owner.session.accessToken })).status).toBe(400);
    expect((await h.raw("project.list", { type: "query", input: { workspaceId: workspace.id } })).status).toBe(401);
    expect((await h.raw("no.such.procedure", { type: "query" })).status).toBe(404);
    await fetch(`${h.api.url}/healthz`);

    const after = await scrapeMetrics(adminUrl);
    expect(count(after, "project.create", "OK") - count(before, "project.create", "OK")).toBe(2);
    expect(count(after, "project.create", "BAD_REQUEST") - count(before, "project.create", "BAD_REQUEST")).toBe(1);
    expect(count(after, "project.list", "UNAUTHORIZED") - count(before, "project.list", "UNAUTHORIZED")).toBe(1);
    expect(count(after, "workspace.create", "OK") - count(before, "workspace.create", "OK")).toBe(1);
    // An unknown path is one label, never the path the caller sent.
    expect(count(after, "unknown", "NOT_FOUND") - count(before, "unknown", "NOT_FOUND")).toBe(1);
    expect(after.some((s) => s.labels.procedure === "no.such.procedure")).toBe(false);
    expect(count(after, "healthz", "OK") - count(before, "healthz", "OK")).toBe(1);
    const timed = (s: typeof before) => sampleValue(s, "spine_api_request_duration_seconds_count", { procedure: "project.create" });
    expect(timed(after) - timed(before)).toBe(3);
    expect(sampleValue(after, "spine_api_request_duration_seconds_bucket", { procedure: "project.create", le: "+Inf" })).toBe(timed(after));
  });

  test("serves readiness on the admin port too", async ({ h }) => {
    const res = await fetch(`${h.api.adminUrl ?? ""}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, checks: { postgres: true } });
  });
});
