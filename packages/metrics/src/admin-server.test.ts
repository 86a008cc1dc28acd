import { describe, expect, test } from "vitest";
import { Counter, createMetricsRegistry, parseMetrics, sampleValue, scrapeMetrics, startAdminServer } from "./index.ts";

const registry = createMetricsRegistry("test-app");
const hits = new Counter({ name: "spine_test_hits_total", help: "test", labelNames: ["kind"], registers: [registry] });

const it = test
  /** The state of the one dependency `/readyz` checks; a test takes it down. */
  .extend("postgres", { scope: "file" }, () => ({ up: true }))
  .extend("admin", { scope: "file" }, async ({ postgres }, { onCleanup }) => {
    const admin = await startAdminServer({ port: 0, host: "127.0.0.1", registry, ready: async () => ({ ready: postgres.up, checks: { postgres: postgres.up } }) });
    onCleanup(() => admin.close());
    return admin;
  });

describe("the admin endpoint", () => {
  it("serves the registry in the Prometheus text format, with the app label and process metrics", async ({ admin }) => {
    hits.inc({ kind: "a" }, 2);
    const res = await fetch(`${admin.url}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const samples = parseMetrics(await res.text());
    expect(sampleValue(samples, "spine_test_hits_total", { kind: "a", app: "test-app" })).toBe(2);
    expect(samples.some((s) => s.name === "spine_process_resident_memory_bytes")).toBe(true);
    hits.inc({ kind: "a" });
    expect(sampleValue(await scrapeMetrics(admin.url), "spine_test_hits_total", { kind: "a" })).toBe(3);
  });

  it("answers /healthz always and /readyz with 503 while a dependency is down", async ({ admin, postgres }) => {
    expect((await fetch(`${admin.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${admin.url}/readyz`)).json()).toEqual({ ok: true, checks: { postgres: true } });
    postgres.up = false;
    const res = await fetch(`${admin.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, checks: { postgres: false } });
    expect((await fetch(`${admin.url}/nope`)).status).toBe(404);
  });
});
