import { describe, expect } from "vitest";
import type { Harness } from "./test-support/api-harness.ts";
import { hostTest } from "./test-support/fixtures.ts";
import { testKeyRingSpec } from "@spine/testing";
import { loadEnv } from "./env.ts";

/** Browsers call the API only from the origins in SPINE_CORS_ORIGINS; webhooks stay server-to-server. */
const CONSOLE = "http://localhost:5173";
const EVIL = "https://evil.example";
const test = hostTest.override("hostOptions", { scope: "file" }, { corsOrigins: [CONSOLE] });

function preflight(h: Harness, path: string, origin: string, method = "POST"): Promise<Response> {
  return fetch(`${h.api.url}${path}`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": "authorization,content-type,idempotency-key" },
  });
}

describe("CORS on the API host", () => {
  test("answers a preflight from an allowed origin with that origin, never a wildcard", async ({ h }) => {
    const res = await preflight(h, "/trpc/project.create", CONSOLE);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(CONSOLE);
    expect(res.headers.get("vary")).toMatch(/origin/i);
    const allowed = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(",");
    expect(allowed).toEqual(expect.arrayContaining(["authorization", "content-type", "idempotency-key"]));
    expect(res.headers.get("access-control-allow-methods")).toMatch(/POST/);
  });

  test("refuses a preflight from an origin that is not listed, and from none", async ({ h }) => {
    const evil = await preflight(h, "/trpc/project.create", EVIL);
    expect(evil.status).toBe(403);
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    expect(((await evil.json()) as { error: string }).error).toMatch(/origin not allowed/);
    const none = await fetch(`${h.api.url}/trpc/project.create`, { method: "OPTIONS" });
    expect(none.status).toBe(403);
  });

  test("marks real calls from an allowed origin readable (with the correlation id exposed), and others not", async ({ h, owner }) => {
    const ok = await fetch(`${h.api.trpcUrl}/workspace.listMine`, { headers: { origin: CONSOLE, authorization: `Bearer ${owner.session.accessToken}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(CONSOLE);
    expect((ok.headers.get("access-control-expose-headers") ?? "").toLowerCase()).toContain("x-correlation-id");
    const other = await fetch(`${h.api.trpcUrl}/workspace.listMine`, { headers: { origin: EVIL, authorization: `Bearer ${owner.session.accessToken}` } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("gives webhook routes no CORS at all", async ({ h }) => {
    const res = await preflight(h, "/webhooks/github/00000000-0000-4000-8000-000000000000", CONSOLE);
    expect(res.status).toBe(405);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("SPINE_CORS_ORIGINS", () => {
  function parse(value: string | undefined): string[] | string {
    try {
      return loadEnv({ DATABASE_URL: "postgres://x@127.0.0.1/x", SPINE_TOKEN_SECRET: "s".repeat(32), SPINE_KEY_RING: testKeyRingSpec(), SPINE_CORS_ORIGINS: value })
        .SPINE_CORS_ORIGINS;
    } catch (err) {
      return String(err);
    }
  }
  test("is an allowlist of exact origins; wildcards and paths are refused by name", () => {
    expect(parse(undefined)).toEqual([]);
    expect(parse(" http://localhost:5173, https://console.example.com/ ,http://localhost:5173")).toEqual(["http://localhost:5173", "https://console.example.com"]);
    expect(parse("*")).toMatch(/SPINE_CORS_ORIGINS: "\*": wildcards are not allowed/);
    expect(parse("https://*.example.com")).toMatch(/wildcards are not allowed/);
    expect(parse("https://app.example.com/console")).toMatch(/SPINE_CORS_ORIGINS: .*not an origin/);
    expect(parse("ftp://files.example.com")).toMatch(/not an origin/);
  });
});
