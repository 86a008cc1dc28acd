import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { OPERATIONAL_TABLES, TENANT_TABLES } from "./tenant-tables.ts";

/** "One owner for the database", enforced: SQL on Spine tables and `set_config` live in packages/domain. */
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const SPINE_TABLES = [...TENANT_TABLES, ...OPERATIONAL_TABLES, "users", "workspaces", "auth_sessions", "idempotency_keys", "rate_limit_hits", "nats_tools", "nats_tool_grants"];
const SQL_ON_SPINE_TABLE = new RegExp(`\\b(from|into|update|join|table)\\s+(${SPINE_TABLES.join("|")})\\b`, "i");
/** The one scope function. */
const SET_CONFIG_HOME = "packages/domain/src/context/session-settings.ts";
/** Measuring tools whose raw baselines are deliberately hand-written SQL (not product code). */
const BENCH_BASELINES = ["packages/bench/"];
function productFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) productFiles(path, out);
    // Test helpers (test-support/, test/) may seed rows the way a test needs; product code may not.
    else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !/\/(test-support|test|testing)\//.test(path.replace(ROOT, "/"))) {
      out.push(relative(ROOT, path));
    }
  }
  return out;
}

/** Test files (and their helpers) under `dir`. */
function testFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) testFiles(path, out);
    else if (/\.(ts|tsx)$/.test(entry.name) && (/\.test\.tsx?$/.test(entry.name) || path.includes("/test-support/"))) out.push(relative(ROOT, path));
  }
  return out;
}

const files = [...productFiles(join(ROOT, "apps")), ...productFiles(join(ROOT, "packages"))].filter(
  (f) => !BENCH_BASELINES.some((prefix) => f.startsWith(prefix)),
);

describe("one owner for the database", () => {
  it("the session settings (set_config of app.*) are set only by the one scope function", () => {
    const setsSession = (f: string) => /set_config\(\s*'app\./.test(readFileSync(join(ROOT, f), "utf8"));
    expect(files.filter((f) => f !== SET_CONFIG_HOME && setsSession(f))).toEqual([]);
    expect(setsSession(SET_CONFIG_HOME)).toBe(true);
  });

  it("no SQL on a Spine table outside packages/domain", () => {
    const offenders = files.filter((f) => !f.startsWith("packages/domain/") && SQL_ON_SPINE_TABLE.test(readFileSync(join(ROOT, f), "utf8")));
    expect(offenders).toEqual([]);
  });

  it("the bus is pure NATS: no dependency on pg or the domain, and no bus source imports them", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "packages/bus/package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
    const declared = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"].flatMap((k) => Object.keys(manifest[k] ?? {}));
    expect(declared.filter((d) => d === "pg" || d === "@types/pg" || d === "@spine/domain")).toEqual([]);
    const busSources = [...productFiles(join(ROOT, "packages/bus/src")), ...testFiles(join(ROOT, "packages/bus/src"))];
    expect(busSources.length).toBeGreaterThan(0);
    const importsForbidden = (f: string) => /\bfrom\s+["'](pg|@spine\/domain(\/[^"']*)?)["']|import\(\s*["'](pg|@spine\/domain(\/[^"']*)?)["']/.test(readFileSync(join(ROOT, f), "utf8"));
    expect(busSources.filter(importsForbidden)).toEqual([]);
  });
});
