import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
export type BuiltApp = "api" | "worker" | "gateway";

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function builtAt(app: BuiltApp): number {
  try {
    return statSync(join(repoRoot, "apps", app, "dist", "main.js")).mtimeMs;
  } catch {
    return 0;
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** One build of an app at a time across test files (vitest runs files in parallel; tsdown cleans dist/ first). */
function withBuildLock<T>(appDir: string, fn: () => T): T {
  const lock = join(appDir, "dist.build-lock");
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than ten minutes belongs to a build that died.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 600_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${lock} is held by another build`);
      sleep(250);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * `pnpm build` of each app (tsdown, then the check that every external import resolves from the app),
 * unless its dist/main.js is newer than every source it bundles (the app, packages/*, infra/build).
 */
export function ensureBuilt(apps: BuiltApp[]): void {
  const sources = Math.max(newest(join(repoRoot, "packages")), newest(join(repoRoot, "infra", "build")));
  for (const app of apps) {
    const appDir = join(repoRoot, "apps", app);
    const fresh = () => builtAt(app) > Math.max(sources, newest(join(appDir, "src")), statSync(join(appDir, "package.json")).mtimeMs);
    if (fresh()) continue;
    withBuildLock(appDir, () => {
      if (fresh()) return; // built by another test file meanwhile
      const run = spawnSync("pnpm", ["run", "build"], { cwd: appDir, encoding: "utf8", timeout: 300_000, env: { ...process.env, CI: "true" } });
      if (run.status !== 0) throw new Error(`pnpm build of ${app} failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
    });
  }
}
