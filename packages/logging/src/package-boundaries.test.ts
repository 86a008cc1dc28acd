import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** "Logging has one home", enforced over the repository's product sources (tests excluded). */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, out);
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !path.includes("/test-support/") && !path.includes("/testing/")) out.push(relative(ROOT, path));
  }
  return out;
}
const read = (f: string) => readFileSync(join(ROOT, f), "utf8");
const files = [...sources(join(ROOT, "apps")), ...sources(join(ROOT, "packages"))].filter((f) => f.includes("/src/"));

describe("package boundaries of logging and the gateway", () => {
  it("@spine/logging is a leaf: it imports no other workspace package, no ORM and no driver", () => {
    const pkg = JSON.parse(read("packages/logging/package.json")) as { dependencies?: Record<string, string> };
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(["pino"]);
    const imports = files.filter((f) => f.startsWith("packages/logging/")).flatMap((f) => [...read(f).matchAll(/from "([^"]+)"/g)].map((m) => m[1]!));
    expect(imports.filter((i) => !i.startsWith(".") && !i.startsWith("node:") && i !== "pino")).toEqual([]);
  });

  it("the gateway imports nothing of the domain but the pg-only reads", () => {
    const offenders = files
      .filter((f) => f.startsWith("apps/gateway/src/"))
      .flatMap((f) => [...read(f).matchAll(/from "(@spine\/domain[^"]*)"/g)].map((m) => `${f}: ${m[1]}`))
      .filter((line) => !line.endsWith(": @spine/domain/reads"));
    expect(offenders).toEqual([]);
  });

  it("the log serializers and watchNatsLink are each defined once", () => {
    const defining = (re: RegExp) => files.filter((f) => re.test(read(f)));
    expect(defining(/export (const|function) LOG_SERIALIZERS\b/)).toEqual(["packages/logging/src/log-safe-error.ts"]);
    expect(defining(/export function logSafeError\b/)).toEqual(["packages/logging/src/log-safe-error.ts"]);
    expect(defining(/export function watchNatsLink\b/)).toEqual(["packages/bus/src/nats-link.ts"]);
    expect(defining(/for await \(const \w+ of nc\.status\(\)\)/)).toEqual(["packages/bus/src/nats-link.ts"]);
  });
});
