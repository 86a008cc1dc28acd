import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "@spine/bus";
import { AppProcess, createTestDatabase, freePort, natsTestNames, TEST_NATS_URL, testKeyRingSpec } from "@spine/testing";
import { build, type BuildOptions } from "esbuild";
import { describe, expect, test as baseTest } from "vitest";

/**
 * The size budget of the packed ESM bundle (`dist/index.js`: this package's code and the bundled
 * `@spine/contracts` schemas; the peers @trpc/client, socket.io-client and zod are not in it).
 * Raise it only on purpose: the number is in README.md too.
 */
export const SIZE_BUDGET = { gzipBytes: 12 * 1024, rawBytes: 48 * 1024 } as const;

const exec = promisify(execFile);
const pkgDir = fileURLToPath(new URL("../", import.meta.url));
const dist = join(pkgDir, "dist");
const tsc = join(pkgDir, "node_modules/typescript/bin/tsc");
const PEERS = ["@trpc/client", "@trpc/server", "socket.io-client", "zod"] as const;
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));


async function run(cmd: string, args: string[], cwd: string, timeout = 1_500_000): Promise<string> {
  try {
    const { stdout } = await exec(cmd, args, { cwd, timeout, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd}: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
}

/** Build with tsdown (the package's `build` script) and pack with pnpm (which applies publishConfig); the tarball's path. */
async function buildAndPack(work: string): Promise<string> {
  await run("pnpm", ["run", "build"], pkgDir);
  const out = join(work, "pack");
  mkdirSync(out);
  await run("pnpm", ["pack", "--pack-destination", out], pkgDir);
  const [file] = readdirSync(out).filter((f) => f.endsWith(".tgz"));
  if (!file) throw new Error(`pnpm pack wrote no tarball into ${out}`);
  return join(out, file);
}

interface RunningApps {
  apiUrl: string;
  gatewayUrl: string;
}

/** api, worker (outbox relay) and gateway as real processes over a fresh database and their own stream; `onCleanup` stops and drops them. */
async function startApps(onCleanup: (fn: () => Promise<void>) => void): Promise<RunningApps> {
  const names = natsTestNames("clientpack");
  const db = await createTestDatabase("clientpack");
  const apps: AppProcess[] = [];
  onCleanup(async () => {
    await Promise.allSettled(apps.map((a) => a.stop()));
    const nc = await connectNats({ servers: TEST_NATS_URL, name: "client-pack-cleanup" });
    await (await jetstreamManager(nc)).streams.delete(names.stream).catch(() => false);
    await nc.close();
    await db.drop();
  });
  const [apiPort, apiAdminPort, workerPort, gatewayPort, gatewayAdminPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const shared = {
    DATABASE_URL: db.ownerUrl,
    NATS_URL: TEST_NATS_URL,
    SPINE_TOKEN_SECRET: "client-pack-test-secret-that-is-long-enough",
    SPINE_KEY_RING: testKeyRingSpec(),
    SPINE_EVENTS_STREAM: names.stream,
    SPINE_SUBJECT_PREFIX: names.prefix,
  };
  const worker = AppProcess.start("worker", { ...shared, WORKER_PORT: String(workerPort), WORKER_HOST: "127.0.0.1", SPINE_RELAY_POLL_MS: "200" });
  const api = AppProcess.start("api", { ...shared, API_PORT: String(apiPort), API_HOST: "127.0.0.1", API_ADMIN_PORT: String(apiAdminPort) });
  apps.push(worker, api);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  // Generous: they boot while the build runs. The gateway waits (30 s) for the events stream the
  // worker creates, so it starts once the worker is up.
  await worker.waitForHttp(`http://127.0.0.1:${workerPort}/healthz`, 600_000);
  const gateway = AppProcess.start("gateway", { ...shared, GATEWAY_PORT: String(gatewayPort), GATEWAY_HOST: "127.0.0.1", GATEWAY_ADMIN_PORT: String(gatewayAdminPort) });
  apps.push(gateway);
  await api.waitForHttp(`${apiUrl}/readyz`, 600_000);
  await gateway.waitForHttp(`${gatewayUrl}/readyz`, 600_000);
  return { apiUrl, gatewayUrl };
}

/**
 * `packed`: the package built and packed (`tarball`, in a temporary `work` folder removed after the file) while
 * the apps boot (`apps`: api, worker and gateway as real processes) — both are slow on a small machine.
 */
// eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern: none.
const test = baseTest.extend("packed", { scope: "file" }, async ({}, { onCleanup }) => {
  const work = mkdtempSync(join(tmpdir(), "spine-client-pack-"));
  const cleanups: Array<() => Promise<void>> = [];
  onCleanup(async () => {
    for (const fn of cleanups.reverse()) await fn();
    rmSync(work, { recursive: true, force: true });
  });
  const [built, started] = await Promise.allSettled([buildAndPack(work), startApps((fn) => cleanups.push(fn))]);
  if (built.status === "rejected") throw built.reason;
  if (started.status === "rejected") throw started.reason;
  return { dist, work, tarball: built.value, apps: started.value };
});

function importsOf(code: string): string[] {
  return [...code.matchAll(/(?:^|[\s;])(?:import|export)\s[^"'`]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
}

// The first test to run waits for `packed` (the build and the apps' boot), hence the long timeout.
describe("@spine/client as a package", { timeout: 1_800_000 }, () => {
  test("builds to one ESM file and one declaration file within the size budget", ({ packed }) => {
    const js = readFileSync(join(packed.dist, "index.js"));
    const raw = js.byteLength;
    const gzip = gzipSync(js, { level: 9 }).byteLength;
    const dts = statSync(join(packed.dist, "index.d.ts")).size;
    mkdirSync(join(pkgDir, ".reports"), { recursive: true });
    writeFileSync(join(pkgDir, ".reports/client-size.json"), JSON.stringify({ file: "dist/index.js", raw, gzip, dts, budget: SIZE_BUDGET }, null, 2));
    console.info(`@spine/client dist/index.js: ${raw} B raw, ${gzip} B gzip (budget ${SIZE_BUDGET.rawBytes} / ${SIZE_BUDGET.gzipBytes}); index.d.ts ${dts} B`);
    expect(gzip).toBeLessThanOrEqual(SIZE_BUDGET.gzipBytes);
    expect(raw).toBeLessThanOrEqual(SIZE_BUDGET.rawBytes);
  });

  test("imports only its peers at run time and in its types: no @spine package, no server type, no Node built-in", ({ packed }) => {
    const js = readFileSync(join(packed.dist, "index.js"), "utf8");
    const dts = readFileSync(join(packed.dist, "index.d.ts"), "utf8");
    const peer = (spec: string) => PEERS.some((p) => spec === p || spec.startsWith(`${p}/`));
    expect(importsOf(js).filter((s) => !peer(s))).toEqual([]);
    expect(importsOf(dts).filter((s) => !peer(s))).toEqual([]);
    expect(importsOf(js).filter((s) => NODE_BUILTINS.has(s))).toEqual([]);
    expect(js).not.toMatch(/\brequire\(|process\.env|Buffer\./);
    expect(dts).not.toMatch(/@spine\/|mikro-orm|pino|ApiContext|Domain\b/);
    // The router's procedures are spelled out in the declaration, not reached through the server.
    expect(dts).toMatch(/TRPCMutationProcedure/);
    expect(dts).toMatch(/workspaceId: string;/);
  });

  test("bundles for a browser and for React Native (esbuild, peers included) without any Node built-in", async ({ packed }) => {
    const sizes: Record<string, number> = {};
    const targets: Array<[string, BuildOptions]> = [
      ["browser", { platform: "browser", conditions: ["browser", "import"], mainFields: ["browser", "module", "main"] }],
      // Metro resolves like a browser bundler (it honours the "browser" field) with "react-native" first.
      ["react-native", { platform: "browser", conditions: ["react-native", "browser", "import"], mainFields: ["react-native", "browser", "module", "main"] }],
    ];
    for (const [target, options] of targets) {
      const result = await build({
        entryPoints: [join(packed.dist, "index.js")],
        bundle: true,
        write: false,
        minify: true,
        format: "esm",
        metafile: true,
        logLevel: "silent",
        nodePaths: [join(pkgDir, "node_modules")],
        ...options,
      });
      expect(result.errors).toEqual([]);
      const inputs = Object.keys(result.metafile!.inputs);
      expect(inputs.filter((i) => i.startsWith("node:") || NODE_BUILTINS.has(i) || /\/node_modules\/(ws|\.pnpm\/ws@)/.test(i))).toEqual([]);
      const code = result.outputFiles![0]!.contents;
      sizes[target] = gzipSync(code, { level: 9 }).byteLength;
    }
    console.info(`@spine/client with its peers, minified + gzip: browser ${sizes.browser} B, react-native ${sizes["react-native"]} B`);
  });

  test("packs dist, README and a manifest with the built exports, peer dependencies and no workspace dependency", async ({ packed: { tarball, work } }) => {
    const files = (await run("tar", ["-tzf", tarball], work)).split("\n").filter(Boolean).sort();
    expect(files).toEqual(["package/README.md", "package/dist/index.d.ts", "package/dist/index.js", "package/package.json"]);
    const manifestText = await run("tar", ["-xzOf", tarball, "package/package.json"], work);
    const manifest = JSON.parse(manifestText) as Record<string, unknown> & { exports: Record<string, unknown>; peerDependencies: Record<string, string> };
    expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", import: "./dist/index.js", default: "./dist/index.js" });
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual([...PEERS].sort());
    expect(manifestText).not.toMatch(/workspace:|catalog:|\.\/src\//);
  });

  test("installs from the tarball into a throwaway project, whose script type-checks and runs against the real API and gateway", async ({ packed: { tarball, work, apps: { apiUrl, gatewayUrl } } }) => {
    const consumer = join(work, "consumer");
    const version = (name: string) => (JSON.parse(readFileSync(join(pkgDir, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
    mkdirSync(join(consumer, "src"), { recursive: true });
    writeFileSync(join(consumer, "package.json"), JSON.stringify({
      name: "spine-client-consumer",
      private: true,
      type: "module",
      dependencies: { "@spine/client": `file:${tarball}`, ...Object.fromEntries(PEERS.map((p) => [p, version(p)])) },
    }, null, 2));
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], consumer);
    expect(existsSync(join(consumer, "node_modules/@spine/client/dist/index.js"))).toBe(true);
    expect(readdirSync(join(consumer, "node_modules/@spine"))).toEqual(["client"]);

    const tsconfig = (moduleResolution: string, extra: Record<string, unknown>) => JSON.stringify({
      compilerOptions: {
        target: "ES2022", lib: ["ES2022", "DOM", "ESNext.Disposable"], types: [], strict: true, skipLibCheck: false,
        module: moduleResolution === "NodeNext" ? "NodeNext" : "ESNext", moduleResolution, ...extra,
      },
      include: ["src"],
    }, null, 2);
    writeFileSync(join(consumer, "tsconfig.json"), tsconfig("NodeNext", { outDir: "out" }));
    writeFileSync(join(consumer, "tsconfig.bundler.json"), tsconfig("Bundler", { noEmit: true }));
    writeFileSync(join(consumer, "src/config.ts"), [
      `export const API_URL = ${JSON.stringify(apiUrl)};`,
      `export const GATEWAY_URL = ${JSON.stringify(gatewayUrl)};`,
      `export const EMAIL = ${JSON.stringify(`packed-${randomUUID().slice(0, 8)}@example.test`)};`,
      "",
    ].join("\n"));
    writeFileSync(join(consumer, "src/main.ts"), CONSUMER_SCRIPT);

    // Type-check as a Node ESM project (and emit), then as a bundler (browser / React Native) project.
    await run(process.execPath, [tsc, "-p", "tsconfig.json"], consumer);
    await run(process.execPath, [tsc, "-p", "tsconfig.bundler.json"], consumer);
    const stdout = await run(process.execPath, ["out/main.js"], consumer, 120_000);
    const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
    expect(result.userEmail).toMatch(/^packed-.*@example\.test$/);
    expect(typeof result.projectId).toBe("string");
    expect(result).toMatchObject({ listed: ["Shipped"], event: { name: "Shipped", correlationId: "packed-client-smoke" } });
  }, 1_200_000);
});

/** The throwaway project's script: only the packed package and its peers, typed from the package's declaration. */
const CONSUMER_SCRIPT = `import type { OperationContext } from "@trpc/client";
import { createRealtimeClient, createSpineClient, type RouterInputs, type RouterOutputs, type SpineClient } from "@spine/client";
import { API_URL, EMAIL, GATEWAY_URL } from "./config.js";

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timed out waiting for " + what)), ms))]);
}

const anonymous: SpineClient = createSpineClient({ url: API_URL + "/trpc" });
const signUp: RouterInputs["auth"]["signUp"] = { email: EMAIL, password: "correct horse battery", displayName: "Packed client" };
const session: RouterOutputs["auth"]["signUp"] = await anonymous.auth.signUp.mutate(signUp);
const api = createSpineClient({ url: API_URL + "/trpc", token: session.accessToken });
const { workspace } = await api.workspace.create.mutate({ name: "Packed" });

const live = createRealtimeClient({ url: GATEWAY_URL, getToken: () => session.accessToken });
const arrived = new Promise<{ name: string; correlationId: string }>((resolve) => {
  live.on("project.created", (envelope) => resolve({ name: envelope.payload.name, correlationId: envelope.correlation_id }));
});
await live.subscribe(workspace.id);
const project = await api.project.create.mutate({ workspaceId: workspace.id, name: "Shipped" }, { context: { correlationId: "packed-client-smoke" } });
const event = await within(arrived, 30_000, "project.created at the socket");
const listed = await api.project.list.query({ workspaceId: workspace.id });
live.close();

// The types come from the package, not \`any\`: each line below must fail to compile.
// @ts-expect-error name must be a string
void (() => api.project.create.mutate({ workspaceId: workspace.id, name: 1 }));
// @ts-expect-error not a registered event type
void (() => live.on("project.exploded", () => undefined));
// @ts-expect-error the package augments tRPC's OperationContext: correlationId is a string
const badContext: OperationContext = { correlationId: 1 };
void badContext;

console.log(JSON.stringify({ userEmail: session.user.email, workspaceId: workspace.id, projectId: project.id, listed: listed.items.map((p) => p.name), event }));
`;
