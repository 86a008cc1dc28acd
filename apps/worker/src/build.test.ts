import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createSpineClient } from "@spine/client";
import { dropDatabase } from "@spine/domain/migrate";
import { AppProcess, freePort, TEST_PG_URL, testKeyRingSpec } from "@spine/testing";
import { natsTest } from "@spine/testing/fixtures";
import { describe, expect } from "vitest";
import { ensureBuilt } from "./test-support/built-apps.ts";

// The production artifacts: `pnpm build` bundles each app with the workspace packages it uses into
// apps/<app>/dist/*.js, and plain `node` runs them with the same environment as the dev runner (no tsx).
const appsRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** `pnpm build` of each app, before the file's first test (the old beforeAll: its budget is the first test's). */
const BUILD_BUDGET_MS = 400_000;

/**
 * `built` (automatic): the three apps built before the file's first test; `dbUrl`: the URL of a database that does not
 * exist yet (dist/migrate.js creates it), dropped after the file; `apps`: the app processes a test starts, stopped after
 * the file, then the file's events stream deleted. `natsUrl` and `natsNames` are `natsTest`'s.
 */
const it = natsTest
  // vitest reads a fixture's dependencies from its first parameter's pattern: `{}` means none.
  // eslint-disable-next-line no-empty-pattern
  .extend("built", { scope: "file", auto: true }, ({}) => {
    ensureBuilt(["api", "worker", "gateway"]);
    return true;
  })
  // eslint-disable-next-line no-empty-pattern
  .extend("dbUrl", { scope: "file" }, ({}, { onCleanup }) => {
    const url = new URL(TEST_PG_URL);
    url.pathname = `/spine_test_build_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
    onCleanup(() => dropDatabase(url.toString()).catch(() => undefined));
    return url.toString();
  })
  .extend("apps", { scope: "file" }, ({ jsm, natsNames }, { onCleanup }) => {
    const apps: AppProcess[] = [];
    onCleanup(async () => {
      await Promise.allSettled(apps.map((a) => a.stop()));
      await jsm.streams.delete(natsNames.stream).catch(() => false);
    });
    return apps;
  });

describe("pnpm build: runnable JavaScript for api, worker and gateway", () => {
  it("bundles the workspace packages and leaves only declared third-party imports", () => {
    for (const app of ["api", "worker", "gateway"]) {
      const main = readFileSync(join(appsRoot, app, "dist", "main.js"), "utf8");
      expect(main).not.toMatch(/from\s*["']@spine\//);
      expect(main).not.toMatch(/["']tsx["']/);
    }
    // The first test builds the apps (the `built` fixture), as the file's beforeAll did with this budget.
  }, BUILD_BUDGET_MS + 120_000);

  it("migrates a new database with dist/migrate.js, then node dist/main.js of each app starts and serves", async ({ apps, dbUrl, natsNames: names, natsUrl }) => {
    const migrated = AppProcess.startBuilt("worker", { DATABASE_URL: dbUrl }, "migrate", "dist/migrate.js");
    await migrated.exited;
    expect(migrated.exit, migrated.output).toEqual({ code: 0, signal: null });
    expect(migrated.output).toContain("applied: Migration20261128000001_initial");

    const [apiPort, apiAdminPort, workerPort, gatewayPort, gatewayAdminPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const shared = {
      DATABASE_URL: dbUrl, NATS_URL: natsUrl, SPINE_TOKEN_SECRET: "build-test-secret-that-is-long-enough", SPINE_KEY_RING: testKeyRingSpec(),
      SPINE_EVENTS_STREAM: names.stream, SPINE_SUBJECT_PREFIX: names.prefix,
    };
    const worker = AppProcess.startBuilt("worker", { ...shared, WORKER_PORT: String(workerPort), WORKER_HOST: "127.0.0.1", SPINE_RELAY_POLL_MS: "200" });
    const api = AppProcess.startBuilt("api", { ...shared, API_PORT: String(apiPort), API_HOST: "127.0.0.1", API_ADMIN_PORT: String(apiAdminPort) });
    const gateway = AppProcess.startBuilt("gateway", { ...shared, GATEWAY_PORT: String(gatewayPort), GATEWAY_HOST: "127.0.0.1", GATEWAY_ADMIN_PORT: String(gatewayAdminPort) });
    apps.push(worker, api, gateway);
    await worker.waitForHttp(`http://127.0.0.1:${workerPort}/readyz`);
    await api.waitForHttp(`http://127.0.0.1:${apiAdminPort}/readyz`);
    await gateway.waitForHttp(`http://127.0.0.1:${gatewayAdminPort}/readyz`);
    for (const url of [`http://127.0.0.1:${workerPort}`, `http://127.0.0.1:${apiAdminPort}`, `http://127.0.0.1:${gatewayAdminPort}`]) {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    }
    // The bundled domain works end to end: a sign-up (argon2, MikroORM, the outbox) and a workspace whose event the worker publishes.
    const anonymous = createSpineClient({ url: `http://127.0.0.1:${apiPort}/trpc` });
    const session = await anonymous.auth.signUp.mutate({ email: `built-${randomUUID().slice(0, 8)}@example.test`, password: "correct horse battery", displayName: "Built" });
    const client = createSpineClient({ url: `http://127.0.0.1:${apiPort}/trpc`, token: session.accessToken });
    const { workspace } = await client.workspace.create.mutate({ name: "Built" });
    expect(workspace.id).toMatch(/^[0-9a-f-]{36}$/);
    for (const app of apps) expect(app.exit, `${app.name}:\n${app.output}`).toBeNull();
  }, 180_000);
});
