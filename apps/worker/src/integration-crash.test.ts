import { randomUUID } from "node:crypto";
import { connectIntegration, createProject, createWorkspace, recordIntegrationEvent, signUp, type OperationContext } from "@spine/domain";
import { AppProcess, freePort, testKeyRingSpec } from "@spine/testing";
import { dbNatsTest } from "@spine/testing/fixtures";
import { describe, expect, onTestFailed } from "vitest";
import { INTEGRATION_EVENTS_HANDLER } from "./handlers/integration-events.ts";

// Issue 12, "done when": the processing consumer is exactly-once under a killed worker. The worker runs
// as a real process and is killed with SIGKILL while it turns GitHub deliveries into items; a new worker
// finishes the rest. Every delivery ends processed once: one item per issue, one item.created per item,
// one succeeded job run per delivery, no duplicate effect.
const DELIVERIES = 60;
const keyRing = testKeyRingSpec();

/**
 * On `dbNatsTest` (`db`, `domain`, `ownerSql`, the file's `natsNames` on the shared server):
 * - `seeded`: a user's workspace with a project and a GitHub integration mirroring into it;
 * - `count(sql, params)`: a `count(*) as n` query as the owner, as a number;
 * - `workers`: `start()` runs the worker app as a process on the file's database and stream, ready; `started` lists
 *   them; every one is stopped after the file, then the events stream deleted.
 */
const it = dbNatsTest
  .extend("seeded", { scope: "file" }, async ({ domain }) => {
    const sys: OperationContext = { workspaceId: null, actorId: null, actorType: "system", correlationId: randomUUID() };
    const userId = (await domain.run(sys, (op) => signUp(op, { email: "crash@proc.test", password: "correct horse battery staple", displayName: "crash" }))).id;
    const workspaceId = await domain.run({ workspaceId: null, actorId: userId, actorType: "user", correlationId: randomUUID() }, async (op) => (await createWorkspace(op, { name: "crash" })).workspace.id);
    const integrationId = await domain.run({ workspaceId, actorId: userId, actorType: "user", correlationId: randomUUID() }, async (op) => {
      const projectId = (await createProject(op, { name: "mirror" })).id;
      return (await connectIntegration(op, {
        provider: "github", name: "app", config: { repository: "acme/app", projectId }, credentials: {}, webhookSecret: "gh-secret-0123456789abcdef",
      })).id;
    });
    return { workspaceId, integrationId };
  })
  .extend("count", { scope: "file" }, ({ ownerSql }) => async (sql: string, params: unknown[] = []): Promise<number> => {
    const { rows } = await ownerSql.query<{ n: string }>(sql, params);
    return Number(rows[0]!.n);
  })
  .extend("workers", { scope: "file" }, ({ db, jsm, natsNames: names, natsUrl }, { onCleanup }) => {
    const started: AppProcess[] = [];
    onCleanup(async () => {
      await Promise.allSettled(started.map((w) => w.stop()));
      await jsm.streams.delete(names.stream).catch(() => undefined);
    });
    const start = async (): Promise<AppProcess> => {
      const port = await freePort();
      const worker = AppProcess.start("worker", {
        DATABASE_URL: db.ownerUrl, NATS_URL: natsUrl, SPINE_KEY_RING: keyRing, SPINE_TOKEN_SECRET: "integration-crash-secret-0123456789abcdef",
        SPINE_EVENTS_STREAM: names.stream, SPINE_SUBJECT_PREFIX: names.prefix, WORKER_PORT: String(port), WORKER_HOST: "127.0.0.1", SPINE_RELAY_POLL_MS: "200",
      });
      started.push(worker);
      await worker.waitForHttp(`http://127.0.0.1:${port}/readyz`);
      return worker;
    };
    return { started, start };
  });

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("processing inbound events across a killed worker", () => {
  it("every delivery is processed exactly once: one item per issue, one item.created each, one succeeded job run each", async ({ count, domain, seeded: { integrationId, workspaceId }, workers }) => {
    const processed = () => count("select count(*) as n from integration_events where workspace_id = $1 and status = 'processed'", [workspaceId]);
    onTestFailed(() => console.error(workers.started.map((w) => `--- ${w.name} ${JSON.stringify(w.exit)}\n${w.output}`).join("\n")));
    const hook: OperationContext = { workspaceId, actorId: null, actorType: "integration", correlationId: randomUUID() };
    for (let i = 1; i <= DELIVERIES; i++) {
      await domain.run({ ...hook, correlationId: randomUUID() }, (op) => recordIntegrationEvent(op, {
        integrationId, sourceEventId: `gh-delivery-${i}`, eventType: "issues",
        payload: { action: "opened", issue: { id: 5000 + i, number: i, title: `Issue ${i}`, body: "b", state: "open" }, repository: { full_name: "acme/app" } },
      }));
    }

    const first = await workers.start();
    await waitFor("the first deliveries to be processed", async () => (await processed()) >= 5);
    first.child.kill("SIGKILL");
    await first.exited;
    const atKill = await processed();
    expect(atKill).toBeLessThan(DELIVERIES);

    await workers.start();
    await waitFor("every delivery to be processed", async () => (await processed()) === DELIVERIES);

    const items = await count("select count(*) as n from items where workspace_id = $1 and external_source is not null", [workspaceId]);
    const distinct = await count("select count(distinct external_id) as n from items where workspace_id = $1 and external_source is not null", [workspaceId]);
    const created = await count("select count(*) as n from outbox where workspace_id = $1 and event_type = 'item.created'", [workspaceId]);
    const updated = await count("select count(*) as n from outbox where workspace_id = $1 and event_type = 'item.updated'", [workspaceId]);
    const runs = await count("select count(*) as n from job_runs where workspace_id = $1 and handler = $2 and status = 'succeeded'", [workspaceId, INTEGRATION_EVENTS_HANDLER]);
    const runKeys = await count("select count(distinct operation_key) as n from job_runs where workspace_id = $1 and handler = $2 and status = 'succeeded'", [workspaceId, INTEGRATION_EVENTS_HANDLER]);
    const notProcessed = await count("select count(*) as n from integration_events where workspace_id = $1 and status <> 'processed'", [workspaceId]);
    expect({ atKillBelowAll: atKill < DELIVERIES, items, distinct, created, updated, runs, runKeys, notProcessed }).toEqual({
      atKillBelowAll: true, items: DELIVERIES, distinct: DELIVERIES, created: DELIVERIES, updated: 0, runs: DELIVERIES, runKeys: DELIVERIES, notProcessed: 0,
    });
    // The first test builds the file's fixtures (database, seeded workspace), as the file's beforeAll did with this budget.
  }, 120_000 + 300_000);
});
