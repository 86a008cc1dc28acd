import { randomBytes } from "node:crypto";
import { describe, expect } from "vitest";
import { createEmbeddings, ingestDocument } from "@spine/ai";
import { incrementUsage, REDACTED, type OperationContext } from "@spine/domain";
import type { Actor, ApiHarness } from "../test-support/api-harness.ts";
import { apiTest } from "../test-support/fixtures.ts";
import { newWebhookSecret, WORKSPACE_PROCEDURES } from "../test-support/procedure-table.ts";
import { createWorkspaceFixture } from "../test-support/workspace-fixture.ts";

// Integrations, usage, access and agents through the router in-process. Webhook deliveries to an
// integration (secret rotation, disconnect) are host tests, in apps/api/src/webhooks.test.ts.
const ctxOf = (workspaceId: string, actor: Actor): OperationContext => ({ workspaceId, actorId: actor.userId, actorType: "user", correlationId: "setup" });
const embeddings = createEmbeddings();
async function ingested(api: ApiHarness, actor: Actor, workspaceId: string, title: string, content: string) {
  const doc = await actor.client.document.create.mutate({ workspaceId, title, content });
  await ingestDocument(api.domain, ctxOf(workspaceId, actor), doc.id, { embeddings });
  return doc.id;
}

// Buffered api_calls counts are written when a test says so (the tenancy check fingerprints usage_counters).
const test = apiTest
  .override("apiOptions", { scope: "file" }, { apiCalls: { flushIntervalMs: 3_600_000 } })
  .extend("other", { scope: "file" }, ({ api }) => api.signUp("other"))
  .extend("ws", { scope: "file" }, async ({ owner }) => (await owner.client.workspace.create.mutate({ name: "Main" })).workspace.id)
  .extend("otherWs", { scope: "file" }, async ({ other }) => (await other.client.workspace.create.mutate({ name: "Other" })).workspace.id)
  .extend("runbooks", { scope: "file" }, async ({ api, owner, other, ws, otherWs }) => ({
    mine: await ingested(api, owner, ws, "Runbook", "Rotate the zebra signing keys every quarter."),
    theirs: await ingested(api, other, otherWs, "Runbook", "Rotate the zebra signing keys every quarter."),
  }));

async function outbox(api: ApiHarness, correlationId: string) {
  const { rows } = await api.sql.query<{ event_type: string; workspace_id: string; envelope: { correlation_id: string; payload: Record<string, unknown> } }>(
    "select event_type, workspace_id, envelope from outbox where envelope->>'correlation_id' = $1 order by id", [correlationId],
  );
  return rows;
}
async function audits(api: ApiHarness, correlationId: string) {
  const { rows } = await api.sql.query<{ action: string; changes: Record<string, Record<string, unknown>> }>(
    "select action, changes from audit_logs where correlation_id = $1 order by id", [correlationId],
  );
  return rows;
}

describe("integrations", () => {
  const secret = newWebhookSecret();
  const apiKey = `sk_live_${randomBytes(12).toString("hex")}`;

  test("connect audits with secrets redacted and never answers with a secret", async ({ api, owner, ws }) => {
    const res = await api.raw("integration.connect", {
      type: "mutation", token: owner.session.accessToken, headers: { "x-correlation-id": "corr-connect" },
      input: { workspaceId: ws, provider: "stripe", name: "billing", config: { region: "eu", signingKey: "sk_cfg" }, credentials: { apiKey }, webhookSecret: secret },
    });
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    for (const s of [secret, apiKey, "sk_cfg"]) expect(text).not.toContain(s);
    const view = res.body.result?.data as { id: string; hasCredentials: boolean; hasWebhookSecret: boolean; webhookPath: string; config: Record<string, unknown> };
    expect(view).toMatchObject({ hasCredentials: true, hasWebhookSecret: true, config: { region: "eu", signingKey: REDACTED } });
    expect(view.webhookPath).toBe(`/webhooks/${ws}/${view.id}`);
    expect(Object.keys(view)).not.toEqual(expect.arrayContaining(["credentials"]));
    const rows = await audits(api, "corr-connect");
    expect(rows.map((r) => r.action)).toEqual(["integration.created"]);
    expect(rows[0]!.changes.after).toMatchObject({ credentials: REDACTED, webhookSecret: REDACTED });
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(JSON.stringify(rows)).not.toContain(apiKey);
    expect((await outbox(api, "corr-connect")).map((r) => r.event_type)).toEqual(["integration.connected"]);
    const auditApi = await owner.client.audit.list.query({ workspaceId: ws, targetId: view.id });
    expect(JSON.stringify(auditApi)).not.toContain(apiKey);
  });

  test("list and get never leak credentials or the webhook secret", async ({ owner, ws }) => {
    const list = await owner.client.integration.list.query({ workspaceId: ws });
    expect(list.items).toHaveLength(1);
    const got = await owner.client.integration.get.query({ workspaceId: ws, integrationId: list.items[0]!.id });
    for (const body of [list, got]) {
      expect(JSON.stringify(body)).not.toContain(secret);
      expect(JSON.stringify(body)).not.toContain(apiKey);
    }
    expect(Object.keys(got).sort()).toEqual([
      "config", "connectedBy", "createdAt", "deletedAt", "hasCredentials", "hasWebhookSecret", "id", "name", "provider", "status",
      "updatedAt", "webhookPath", "workspaceId",
    ]);
    await expect(owner.client.integration.connect.mutate({ workspaceId: ws, provider: "stripe", name: "billing", credentials: {} }))
      .rejects.toMatchObject({ data: { code: "CONFLICT", issues: [{ path: "name" }] } });
    await expect(owner.client.integration.connect.mutate({ workspaceId: ws, provider: "Bad Provider", name: "x", credentials: {}, webhookSecret: "short" }))
      .rejects.toMatchObject({ data: { code: "BAD_REQUEST", issues: [{ path: "provider" }, { path: "webhookSecret" }] } });
  });

  test("replays connect for the same Idempotency-Key: one row, one event", async ({ api, owner, ws }) => {
    const input = { workspaceId: ws, provider: "notion", name: "wiki", credentials: { token: "secret_1" } };
    const send = () => owner.client.integration.connect.mutate(input, { context: { idempotencyKey: "connect-once" } });
    const [first, second] = [await send(), await send()];
    expect(second).toEqual(first);
    const { rows } = await api.sql.query("select id from outbox where event_type = 'integration.connected' and envelope->'payload'->>'integration_id' = $1", [first.id]);
    expect(rows).toHaveLength(1);
  });

});

describe("tenancy of the new tables", () => {
  const NEW_TABLES = ["integrations", "integration_events", "usage_policies", "usage_counters", "demo_access_states", "agent_threads", "agent_runs", "tool_calls"];
  const fingerprint = async (api: ApiHarness) =>
    Promise.all(NEW_TABLES.map(async (t) => (await api.sql.query<{ h: string }>(`select count(*) || ':' || md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from ${t} x`)).rows[0]!.h));

  test("another workspace's member reaches none of them through the new procedures", async ({ api, owner, other, otherWs }) => {
    const f = await createWorkspaceFixture(api, owner, "Guarded");
    const procs = WORKSPACE_PROCEDURES.filter((p) => /^(integration|usage|access|agent)\./.test(p.path));
    const inputs = [];
    for (const p of procs) inputs.push({ p, input: await p.input(f, null) });
    await api.apiCalls.flush();
    const before = await fingerprint(api);
    for (const { p, input } of inputs) {
      const res = await api.raw(p.path, { type: p.type, input, token: other.session.accessToken });
      expect.soft(res.body.error?.data.code, p.path).toBe("NOT_FOUND");
      const idKey = Object.keys(input).find((k) => k.endsWith("Id") && k !== "workspaceId");
      if (!idKey) continue;
      const own = await api.raw(p.path, { type: p.type, input: { ...input, workspaceId: otherWs }, token: other.session.accessToken });
      expect.soft(own.body.error?.data.code, `${p.path} with a foreign ${idKey}`).toBe("NOT_FOUND");
    }
    // Refused calls are not counted either: nothing is buffered for any workspace.
    await api.apiCalls.flush();
    expect(await fingerprint(api)).toEqual(before);
  });
});

describe("usage", () => {
  test("setPolicy audits and announces with the request's correlation id; counters show the current window", async ({ api, owner, ws }) => {
    const c = owner.client;
    const policy = await c.usage.setPolicy.mutate({ workspaceId: ws, metric: "items", window: "day", limit: 3 }, { context: { correlationId: "corr-policy" } });
    expect(policy).toMatchObject({ metric: "items", window: "day", limit: 3, action: "block" });
    expect((await audits(api, "corr-policy")).map((r) => r.action)).toEqual(["usage_policy.created"]);
    const events = await outbox(api, "corr-policy");
    expect(events.map((e) => [e.event_type, e.workspace_id])).toEqual([["usage_policy.set", ws]]);
    expect(events[0]!.envelope.payload).toMatchObject({ policy_id: policy.id, limit: 3 });
    expect((await c.usage.listPolicies.query({ workspaceId: ws })).filter((p) => p.metric === "items")).toEqual([policy]);
    await api.domain.run(ctxOf(ws, owner), (op) => incrementUsage(op, { metric: "items", amount: 4 }));
    // Other metrics (api_calls among them) count this file's other calls; this test looks at its own.
    const counters = (await c.usage.listCounters.query({ workspaceId: ws })).filter((x) => x.metric === "items");
    expect(counters.map((x) => [x.metric, x.window, x.value, x.limit, x.limitReached])).toEqual([
      ["items", "day", 4, 3, true], ["items", "month", 4, null, false],
    ]);
    const now = new Date();
    expect(counters.map((x) => x.resetsAt)).toEqual([
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString(),
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
    ]);
    await c.usage.clearPolicy.mutate({ workspaceId: ws, metric: "items", window: "day" }, { context: { correlationId: "corr-clear" } });
    expect((await audits(api, "corr-clear")).map((r) => r.action)).toEqual(["usage_policy.deleted"]);
    expect((await outbox(api, "corr-clear")).map((e) => e.event_type)).toEqual(["usage_policy.cleared"]);
    await expect(c.usage.clearPolicy.mutate({ workspaceId: ws, metric: "items", window: "day" })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    await expect(c.usage.setPolicy.mutate({ workspaceId: ws, metric: "Bad Metric", window: "week" as "day", limit: -1 }))
      .rejects.toMatchObject({ data: { code: "BAD_REQUEST", issues: [{ path: "metric" }, { path: "window" }, { path: "limit" }] } });
  });
});

describe("access", () => {
  test("an owner's change is an access.* event folded into the state; admins may only read it", async ({ api, owner, ws }) => {
    const c = owner.client;
    // Born active on the default plan, in the creating transaction.
    expect(await c.access.get.query({ workspaceId: ws })).toMatchObject({ state: "active", status: "active", plan: "free", version: 1 });
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const active = await c.access.change.mutate({ workspaceId: ws, change: { type: "activate", plan: "pro", expiresAt } }, { context: { correlationId: "corr-access" } });
    expect(active).toMatchObject({ state: "active", plan: "pro", expiresAt, version: 2, nextTransitionAt: expiresAt });
    const events = await outbox(api, "corr-access");
    expect(events.map((e) => e.event_type)).toEqual(["access.activated"]);
    expect(active.lastEventId).toBe((await api.sql.query<{ id: string }>("select id from outbox where envelope->>'correlation_id' = 'corr-access'")).rows[0]!.id);
    expect((await audits(api, "corr-access")).map((r) => r.action).sort()).toEqual([
      "access_state.updated", "usage_policy.updated", "usage_policy.updated", "usage_policy.updated", "workspace.updated",
    ]);
    await c.access.change.mutate({ workspaceId: ws, change: { type: "deactivate", reason: "payment failed" } });
    expect(await c.access.get.query({ workspaceId: ws })).toMatchObject({ state: "inactive", status: "inactive", plan: "pro", reason: "payment failed" });
    await c.access.change.mutate({ workspaceId: ws, change: { type: "activate", plan: "free" } });
    const admin = await api.signUp("admin");
    await c.member.add.mutate({ workspaceId: ws, email: admin.email, roleKey: "admin" });
    await expect(admin.client.access.get.query({ workspaceId: ws })).resolves.toMatchObject({ state: "active" });
    await expect(admin.client.access.change.mutate({ workspaceId: ws, change: { type: "change", plan: "team" } })).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
  });
});

describe("agents and search", () => {

  test("a run records a completed run, its tool call, and agent.* events under the request's correlation id", async ({ api, owner, ws, runbooks: { mine, theirs } }) => {
    const c = owner.client;
    const thread = await c.agent.createThread.mutate({ workspaceId: ws, title: "Ops" });
    const run = await c.agent.run.mutate({ workspaceId: ws, threadId: thread.id, message: "zebra signing keys" }, { context: { correlationId: "corr-run", idempotencyKey: "run-1" } });
    expect(run).toMatchObject({ status: "completed", threadId: thread.id, model: "offline-deterministic-v1" });
    expect(run.toolCalls).toMatchObject([{ ordinal: 1, toolName: "search_documents", status: "completed" }]);
    expect(JSON.stringify(run.toolCalls[0]!.output)).toContain(mine);
    expect(JSON.stringify(run)).not.toContain(theirs);
    const { rows } = await api.sql.query<{ status: string }>("select status from agent_runs where id = $1", [run.id]);
    expect(rows).toEqual([{ status: "completed" }]);
    const events = await outbox(api, "corr-run");
    expect(events.map((e) => e.event_type)).toEqual(["agent.run.started", "agent.tool.called", "agent.run.completed"]);
    expect(events.every((e) => e.workspace_id === ws && e.envelope.payload.run_id === run.id)).toBe(true);
    const replay = await c.agent.run.mutate({ workspaceId: ws, threadId: thread.id, message: "zebra signing keys" }, { context: { idempotencyKey: "run-1" } });
    expect(replay).toEqual(run);
    const runs = await c.agent.listRuns.query({ workspaceId: ws, threadId: thread.id });
    expect(runs.items.map((r) => [r.id, r.toolCalls.length])).toEqual([[run.id, 1]]);
    // The tokens the model reported are stored on the run and read back with it.
    expect(run.tokens.total).toBe(run.tokens.input + run.tokens.output);
    expect(run.tokens.input).toBeGreaterThan(0);
    expect(runs.items[0]!.tokens).toEqual(run.tokens);
    expect((await outbox(api, "corr-run")).find((e) => e.event_type === "agent.run.completed")!.envelope.payload).toMatchObject({ tokens: run.tokens.total });
  });

  test("threads list, delete and restore; a run on a deleted thread is NOT_FOUND and leaves no key", async ({ api, owner, ws }) => {
    const c = owner.client;
    const t = await c.agent.createThread.mutate({ workspaceId: ws, title: "Temp" });
    await c.agent.deleteThread.mutate({ workspaceId: ws, threadId: t.id });
    expect((await c.agent.listThreads.query({ workspaceId: ws })).items.map((x) => x.id)).not.toContain(t.id);
    await expect(c.agent.run.mutate({ workspaceId: ws, threadId: t.id, message: "hi" }, { context: { idempotencyKey: "run-deleted" } }))
      .rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    expect((await api.sql.query("select 1 from idempotency_keys where key = 'run-deleted'")).rowCount).toBe(0);
    await c.agent.restoreThread.mutate({ workspaceId: ws, threadId: t.id });
    expect((await c.agent.listThreads.query({ workspaceId: ws })).items.map((x) => x.id)).toContain(t.id);
  });

  test("search leaves out chunks of documents whose project is deleted, until it is restored", async ({ api, owner, ws, runbooks: { mine } }) => {
    const c = owner.client;
    const project = await c.project.create.mutate({ workspaceId: ws, name: "Archive" });
    const doc = await c.document.create.mutate({ workspaceId: ws, projectId: project.id, title: "Walrus", content: "The walrus ledger is reconciled nightly." });
    await ingestDocument(api.domain, ctxOf(ws, owner), doc.id, { embeddings });
    const search = async () => (await c.agent.search.query({ workspaceId: ws, query: "walrus ledger reconciled", k: 50 })).map((x) => x.documentId);
    expect(await search()).toContain(doc.id);
    await c.project.delete.mutate({ workspaceId: ws, projectId: project.id });
    const hidden = await search();
    expect(hidden).not.toContain(doc.id);
    expect(hidden).toContain(mine);
    await c.project.restore.mutate({ workspaceId: ws, projectId: project.id });
    expect(await search()).toContain(doc.id);
    await c.document.delete.mutate({ workspaceId: ws, documentId: doc.id });
  });

  test("search returns only the caller's workspace chunks and caps k at 50", async ({ api, owner, other, ws, otherWs, runbooks: { mine, theirs } }) => {
    const hits = await owner.client.agent.search.query({ workspaceId: ws, query: "zebra signing keys", k: 50 });
    expect(hits.length).toBeGreaterThan(0);
    expect(new Set(hits.map((x) => x.documentId))).toEqual(new Set([mine]));
    const { rows } = await api.sql.query<{ workspace_id: string }>("select distinct workspace_id from document_chunks where id = any($1::uuid[])", [hits.map((x) => x.chunkId)]);
    expect(rows).toEqual([{ workspace_id: ws }]);
    const theirHits = await other.client.agent.search.query({ workspaceId: otherWs, query: "zebra signing keys" });
    expect(theirHits.map((x) => x.documentId)).toEqual([theirs]);
    await expect(owner.client.agent.search.query({ workspaceId: otherWs, query: "zebra" })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    await expect(owner.client.agent.search.query({ workspaceId: ws, query: "zebra", k: 51 }))
      .rejects.toMatchObject({ data: { code: "BAD_REQUEST", issues: [{ path: "k" }] } });
  });
});
