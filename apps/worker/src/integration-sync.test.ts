import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { connectNats } from "@spine/bus";
import {
  connectIntegration, createProject, createWorkspace, enableIntegration, getIntegrationHealth, recordSyncFailure, requestIntegrationSync, signUp,
  updateIntegration, type Domain, type OperationContext,
} from "@spine/domain";
import { TEST_NATS_URL } from "@spine/testing";
import { pino } from "pino";
import { describe, expect } from "vitest";
import { queueDueSyncs } from "./sync/sync-scheduler.ts";
import { workerTest } from "./test-support/fixtures.ts";

interface FakeIssue { id: number; number: number; title: string; body: string; state: "open" | "closed"; updated_at: string; pull_request?: object }
type Fault = "500" | "timeout" | "ratelimit";

/** A GitHub-compatible REST API on a local port: real HTTP, Link pagination, rate-limit headers, injected faults. */
class FakeGithub {
  readonly repos = new Map<string, FakeIssue[]>();
  readonly requests: Array<{ path: string; since: string | null; page: number; authorization: string | undefined }> = [];
  /** Faults served one per request, in order, before normal answers. */
  faults: Fault[] = [];
  /** When set, every request fails this way. */
  failAll: Fault | null = null;
  perPage = 2;
  private server: Server | null = null;
  base = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", this.base);
    const m = /^\/repos\/([^/]+\/[^/]+)\/issues$/.exec(url.pathname);
    const page = Number(url.searchParams.get("page") ?? "1");
    const since = url.searchParams.get("since");
    this.requests.push({ path: url.pathname, since, page, authorization: req.headers.authorization });
    const fault = this.failAll ?? this.faults.shift();
    const limits = { "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "4999", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600) };
    if (fault === "timeout") return; // never answers; the client gives up after its timeout
    if (fault === "ratelimit") {
      res.writeHead(403, { ...limits, "x-ratelimit-remaining": "0", "content-type": "application/json" });
      return void res.end(JSON.stringify({ message: "API rate limit exceeded" }));
    }
    if (fault === "500") {
      res.writeHead(502, { ...limits, "content-type": "application/json" });
      return void res.end(JSON.stringify({ message: "Server Error" }));
    }
    if (!m || !this.repos.has(m[1]!)) {
      res.writeHead(404, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ message: "Not Found" }));
    }
    const all = [...this.repos.get(m[1]!)!].filter((i) => !since || i.updated_at >= since).sort((a, b) => a.updated_at.localeCompare(b.updated_at));
    const perPage = Math.min(this.perPage, Number(url.searchParams.get("per_page") ?? "30"));
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = { ...limits, "content-type": "application/json" };
    if (page * perPage < all.length) {
      const next = new URL(url);
      next.searchParams.set("page", String(page + 1));
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    res.writeHead(200, headers);
    res.end(JSON.stringify(slice));
  }
}

interface Tenant { workspaceId: string; userId: string; projectId: string }
const userCtx = (t: Tenant): OperationContext => ({ workspaceId: t.workspaceId, actorId: t.userId, actorType: "user", correlationId: randomUUID() });

async function seedTenant(domain: Domain, t: Tenant, label: string): Promise<void> {
  const sys: OperationContext = { workspaceId: null, actorId: null, actorType: "system", correlationId: randomUUID() };
  t.userId = (await domain.run(sys, (op) => signUp(op, { email: `${label}@sync.test`, password: "correct horse battery staple", displayName: label }))).id;
  await domain.run({ workspaceId: null, actorId: t.userId, actorType: "user", correlationId: randomUUID() }, async (op) => {
    t.workspaceId = (await createWorkspace(op, { name: label })).workspace.id;
  });
  t.projectId = (await domain.run(userCtx(t), (op) => createProject(op, { name: "synced" }))).id;
}

async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ts = (s: number) => new Date(Date.UTC(2026, 10, 1, 0, 0, s)).toISOString();

/**
 * `github`: a FakeGithub serving acme/app (four issues, one a pull request) and acme/down, stopped after the file;
 * `jobs`: the JOBS stream and subject prefix (carrying `natsNames`' suffix); `a`, `b`: two tenants (a user, a
 * workspace and a project each), seeded before the worker (no event handlers; the sync jobs, three attempts) starts;
 * `connectGithub(t, name, repository, extra?)`, `health(t, id)`, `syncNow(t, id)` (ask for a sync and wait until
 * that job has finished: the request is queued, then the state settles), `itemsOf(t, id)`, `outboxCount(type, id)`.
 */
const test = workerTest
  // vitest reads a fixture's dependencies from its first parameter's pattern: `{}` means none.
  // eslint-disable-next-line no-empty-pattern
  .extend("github", { scope: "file" }, async ({}, { onCleanup }) => {
    const github = new FakeGithub();
    await github.start();
    onCleanup(() => github.stop());
    github.repos.set("acme/app", [
      { id: 9001, number: 1, title: "First", body: "one", state: "open", updated_at: ts(1) },
      { id: 9002, number: 2, title: "Second", body: "two", state: "closed", updated_at: ts(2) },
      { id: 9003, number: 3, title: "A pull request", body: "", state: "open", updated_at: ts(3), pull_request: {} },
      { id: 9004, number: 4, title: "Fourth", body: "four", state: "open", updated_at: ts(4) },
    ]);
    github.repos.set("acme/down", [{ id: 7001, number: 1, title: "never", body: "", state: "open", updated_at: ts(1) }]);
    return github;
  })
  .extend("jobs", { scope: "file" }, ({ natsNames }) => ({ stream: `${natsNames.stream}_JOBS`, prefix: `${natsNames.prefix}_job` }))
  .override("workerHandlers", { scope: "file" }, [])
  .override("workerOptions", { scope: "file" }, ({ jobs }) => ({
    relayPollMs: 200, concurrency: 4, maxAttempts: 3,
    sync: { jobsStream: jobs.stream, jobsPrefix: jobs.prefix, schedulerIntervalMs: 1_000, maxAttempts: 3, backoffMs: [100, 200], requestTimeoutMs: 400 },
  }))
  .extend("tenants", { scope: "file" }, async ({ domain }) => {
    const a = {} as Tenant;
    const b = {} as Tenant;
    await seedTenant(domain, a, "sync-a");
    await seedTenant(domain, b, "sync-b");
    return { a, b };
  })
  .extend("a", { scope: "file" }, ({ tenants, worker }) => {
    void worker;
    return tenants.a;
  })
  .extend("b", { scope: "file" }, ({ tenants, worker }) => {
    void worker;
    return tenants.b;
  })
  .extend("connectGithub", { scope: "file" }, ({ domain, github }) => (t: Tenant, name: string, repository: string, extra: Record<string, unknown> = {}) =>
    domain.run(userCtx(t), async (op) =>
      (await connectIntegration(op, {
        provider: "github", name, credentials: { token: `ghp_${name}_token` },
        config: { repository, projectId: t.projectId, baseUrl: github.base, timeoutMs: 400, ...extra },
      })).id))
  .extend("health", { scope: "file" }, ({ domain }) => (t: Tenant, id: string) => domain.run(userCtx(t), (op) => getIntegrationHealth(op, id)))
  .extend("syncNow", { scope: "file" }, ({ domain, health }) => async (t: Tenant, id: string) => {
    const before = (await health(t, id)).sync;
    await domain.run(userCtx(t), (op) => requestIntegrationSync(op, id));
    return until("the sync job", () => health(t, id), (h) =>
      h.sync.requestedAt === null && (h.sync.state === "succeeded" || h.sync.state === "failed")
      && (h.sync.lastSucceededAt?.getTime() !== before.lastSucceededAt?.getTime() || h.sync.lastFailedAt?.getTime() !== before.lastFailedAt?.getTime()));
  })
  .extend("itemsOf", { scope: "file" }, ({ owner }) => async (t: Tenant, integrationId: string) =>
    (await owner.query<{ title: string; status: string; external_id: string }>(
      "select title, status, external_id from items where workspace_id = $1 and external_source = $2 order by external_id", [t.workspaceId, integrationId])).rows)
  .extend("outboxCount", { scope: "file" }, ({ owner }) => async (type: string, integrationId: string) =>
    Number((await owner.query<{ n: string }>("select count(*) as n from outbox where event_type = $1 and envelope->'payload'->>'integration_id' = $2", [type, integrationId])).rows[0]!.n));

describe("integration sync jobs (JOBS work queue) against a fake GitHub", () => {
  test("sync now pulls every page of issues into items with the credentials; a re-run past the cursor changes nothing; a change comes through", async ({ a, github, owner, connectGithub, health, syncNow, itemsOf, outboxCount }) => {
    const id = await connectGithub(a, "app", "acme/app");
    const done = await syncNow(a, id);
    expect(done.sync).toMatchObject({ state: "succeeded", consecutiveFailures: 0, lastError: null, cursor: ts(4) });
    expect(await itemsOf(a, id)).toEqual([
      { title: "First", status: "open", external_id: "9001" },
      { title: "Second", status: "done", external_id: "9002" },
      { title: "Fourth", status: "open", external_id: "9004" },
    ]);
    const first = github.requests.filter((r) => r.path === "/repos/acme/app/issues");
    expect(first.map((r) => r.page)).toEqual([1, 2]);
    expect(first.every((r) => r.authorization === "Bearer ghp_app_token" && r.since === null)).toBe(true);
    expect(await outboxCount("item.created", id)).toBe(0); // item events name items, not integrations
    const created = await owner.query<{ n: string }>("select count(*) as n from outbox where workspace_id = $1 and event_type = 'item.created'", [a.workspaceId]);
    expect(Number(created.rows[0]!.n)).toBe(3);

    // Incremental: the next job asks from the cursor and, with nothing new, writes nothing.
    github.requests.length = 0;
    await syncNow(a, id);
    expect(github.requests.map((r) => r.since)).toEqual([ts(4)]);
    const after = await owner.query<{ n: string }>("select count(*) as n from outbox where workspace_id = $1 and event_type like 'item.%'", [a.workspaceId]);
    expect(Number(after.rows[0]!.n)).toBe(3);

    github.repos.get("acme/app")!.push({ id: 9001, number: 1, title: "First (renamed)", body: "one", state: "closed", updated_at: ts(5) });
    github.repos.set("acme/app", github.repos.get("acme/app")!.filter((i) => !(i.id === 9001 && i.updated_at === ts(1))));
    await syncNow(a, id);
    expect((await itemsOf(a, id))[0]).toEqual({ title: "First (renamed)", status: "done", external_id: "9001" });
    expect((await health(a, id)).sync.cursor).toBe(ts(5));
  });

  test("the same window queued twice runs once (operation key sync:<integration>:<window>)", async ({ a, jobs, owner, domain, connectGithub, health }) => {
    const id = await connectGithub(a, "windowed", "acme/app");
    await domain.run(userCtx(a), (op) => requestIntegrationSync(op, id));
    const requested = (await health(a, id)).sync.requestedAt!;
    // Two scheduler passes see the same request before it is marked queued: one window, one job run.
    const nc = await connectNats({ servers: TEST_NATS_URL, name: "integ-sync-twice" });
    const { jetstream } = await import("@nats-io/jetstream");
    const js = jetstream(nc);
    await owner.query("update integrations set sync_requested_at = $1 where id = $2", [requested, id]);
    await queueDueSyncs({ domain, js, jobsPrefix: jobs.prefix, logger: pino({ level: "silent" }) });
    await owner.query("update integrations set sync_requested_at = $1 where id = $2", [requested, id]);
    await queueDueSyncs({ domain, js, jobsPrefix: jobs.prefix, logger: pino({ level: "silent" }) });
    await nc.close();
    await until("the job", () => health(a, id), (h) => h.sync.state === "succeeded");
    const runs = await owner.query<{ operation_key: string; status: string }>(
      "select operation_key, status from job_runs where handler = 'integration-sync' and operation_key like $1", [`sync:${id}:%`]);
    expect(runs.rows).toEqual([{ operation_key: `sync:${id}:manual-${requested.getTime()}`, status: "succeeded" }]);
  });

  test("retries a 5xx, a timeout and a rate limit with backoff, then succeeds without a sync_failed", async ({ a, b, github, owner, connectGithub, syncNow, itemsOf, outboxCount }) => {
    const id = await connectGithub(b, "flaky", "acme/app");
    github.faults = ["500", "timeout"];
    const done = await syncNow(b, id);
    expect(done.sync.state).toBe("succeeded");
    expect(github.faults).toEqual([]);
    const run = await owner.query<{ attempts: number; status: string }>(
      "select attempts, status from job_runs where handler = 'integration-sync' and operation_key like $1", [`sync:${id}:%`]);
    expect(run.rows).toEqual([{ attempts: 3, status: "succeeded" }]);
    expect(await outboxCount("integration.sync_failed", id)).toBe(0);
    // Workspace B's items are its own; A's mirror of the same repository is untouched.
    expect((await itemsOf(b, id)).map((i) => i.external_id)).toEqual(["9001", "9002", "9004"]);
    const leaked = await owner.query("select 1 from items where workspace_id = $1 and external_source = $2", [a.workspaceId, id]);
    expect(leaked.rowCount).toBe(0);

    github.faults = ["ratelimit"];
    expect((await syncNow(b, id)).sync.state).toBe("succeeded");
  });

  test("a job that fails every attempt → status error and integration.sync_failed exactly once; N failed jobs → disabled (audited); enable clears it", async ({ a, github, owner, domain, connectGithub, health, syncNow, itemsOf, outboxCount }) => {
    const id = await connectGithub(a, "down", "acme/down", { disableAfterFailures: 2 });
    github.failAll = "500";
    try {
      const first = await syncNow(a, id);
      expect(first.status).toBe("error");
      expect(first.sync).toMatchObject({ state: "failed", consecutiveFailures: 1 });
      expect(first.sync.lastError).toMatch(/HTTP 502/);
      expect(await outboxCount("integration.sync_failed", id)).toBe(1);
      const failed = await owner.query<{ envelope: { payload: { error: string; attempt: number; provider: string } } }>(
        "select envelope from outbox where event_type = 'integration.sync_failed' and envelope->'payload'->>'integration_id' = $1", [id]);
      expect(failed.rows[0]!.envelope.payload).toMatchObject({ provider: "github", attempt: 3 });
      expect(failed.rows[0]!.envelope.payload.error).toMatch(/HTTP 502/);
      const runs = await owner.query<{ attempts: number; status: string }>("select attempts, status from job_runs where operation_key like $1", [`sync:${id}:%`]);
      expect(runs.rows).toEqual([{ attempts: 3, status: "succeeded" }]);
      expect(await itemsOf(a, id)).toEqual([]);

      github.failAll = "timeout";
      const second = await syncNow(a, id);
      expect(second.status).toBe("disabled");
      expect(second.sync).toMatchObject({ state: "failed", consecutiveFailures: 2 });
      expect(second.sync.lastError).toMatch(/timed out after 400 ms/);
      expect(await outboxCount("integration.sync_failed", id)).toBe(2);
      const audit = await owner.query<{ action: string }>(
        "select action from audit_logs where target_id = $1 and action in ('integration.auto_disabled', 'integration.updated') order by chain_seq", [id]);
      expect(audit.rows.map((r) => r.action)).toEqual(["integration.updated", "integration.updated", "integration.auto_disabled"]);
      await expect(domain.run(userCtx(a), (op) => requestIntegrationSync(op, id))).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    } finally {
      github.failAll = null;
    }
    await domain.run(userCtx(a), (op) => enableIntegration(op, id));
    expect(await health(a, id)).toMatchObject({ status: "connected", sync: { consecutiveFailures: 0, state: "idle" } });
    github.repos.set("acme/down", [{ id: 7001, number: 1, title: "back", body: "", state: "open", updated_at: ts(1) }]);
    expect((await syncNow(a, id)).sync.state).toBe("succeeded");
    expect(await outboxCount("integration.sync_failed", id)).toBe(2);

    // Reconnecting with new credentials also clears an error status.
    await domain.run(userCtx(a), (op) => recordSyncFailure(op, { integrationId: id, error: "HTTP 502", attempt: 3 }));
    expect((await health(a, id)).status).toBe("error");
    await domain.run(userCtx(a), (op) => updateIntegration(op, { integrationId: id, credentials: { token: "ghp_new" } }));
    expect((await health(a, id)).status).toBe("connected");
  });

  test("a configured interval schedules syncs without a request; another workspace cannot ask for a sync of it", async ({ a, b, owner, domain, connectGithub, health }) => {
    const id = await connectGithub(b, "scheduled", "acme/app", { syncIntervalSeconds: 1 });
    await until("a scheduled sync", () => health(b, id), (h) => h.sync.state === "succeeded");
    const runs = await owner.query<{ operation_key: string }>("select operation_key from job_runs where operation_key like $1", [`sync:${id}:%`]);
    expect(runs.rows[0]!.operation_key).toMatch(new RegExp(`^sync:${id}:every-1-\\d+$`));
    await expect(domain.run(userCtx(a), (op) => requestIntegrationSync(op, id))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
