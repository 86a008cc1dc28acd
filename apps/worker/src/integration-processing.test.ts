import { randomUUID } from "node:crypto";
import { jetstream } from "@nats-io/jetstream";
import { connectNats } from "@spine/bus";
import { createEnvelope, type EnvelopeOf } from "@spine/contracts";
import {
  applyLifecycleEvent, connectIntegration, createProject, createWorkspace, getIntegrationHealth, recordIntegrationEvent,
  retryIntegrationEvent, signUp, updateIntegration, type Domain, type OperationContext,
} from "@spine/domain";
import { TEST_NATS_URL } from "@spine/testing";
import { describe, expect } from "vitest";
import { INTEGRATION_EVENTS_HANDLER, integrationEventsHandler } from "./handlers/integration-events.ts";
import type { WorkerHandler } from "./handlers/index.ts";
import { workerTest } from "./test-support/fixtures.ts";

interface Tenant { workspaceId: string; userId: string; projectId: string; github: string; stripe: string; standard: string }

const userCtx = (t: Tenant): OperationContext => ({ workspaceId: t.workspaceId, actorId: t.userId, actorType: "user", correlationId: randomUUID() });
const hookCtx = (t: Tenant): OperationContext => ({ workspaceId: t.workspaceId, actorId: null, actorType: "integration", correlationId: randomUUID() });

async function seedTenant(domain: Domain, t: Tenant, label: string): Promise<void> {
  const sys: OperationContext = { workspaceId: null, actorId: null, actorType: "system", correlationId: randomUUID() };
  t.userId = (await domain.run(sys, (op) => signUp(op, { email: `${label}@proc.test`, password: "correct horse battery staple", displayName: label }))).id;
  await domain.run({ workspaceId: null, actorId: t.userId, actorType: "user", correlationId: randomUUID() }, async (op) => {
    t.workspaceId = (await createWorkspace(op, { name: label })).workspace.id;
  });
  await domain.run(userCtx(t), async (op) => {
    t.projectId = (await createProject(op, { name: "mirror" })).id;
    const secret = "gh-secret-0123456789abcdef";
    t.github = (await connectIntegration(op, {
      provider: "github", name: "app", config: { repository: "acme/app", projectId: t.projectId }, credentials: {}, webhookSecret: secret,
    })).id;
    t.stripe = (await connectIntegration(op, { provider: "stripe", name: "billing", credentials: {}, webhookSecret: "whsec_stripe_0123456789abcdef" })).id;
    t.standard = (await connectIntegration(op, { provider: "standard-webhooks", name: "std", credentials: {}, webhookSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" })).id;
  });
}

const issue = (id: number, action: string, title: string, state: string, repo = "acme/app") => ({
  action, issue: { id, number: id % 1000, title, body: `body of ${title}`, state }, repository: { full_name: repo },
});
const subscription = (id: string, type: string, status: string, created: number, plan = "pro") => ({
  id, type, created, data: { object: { id: "sub_1", status, customer: "cus_1", metadata: { plan } } },
});

/**
 * `a`, `b`: two tenants (a user, a workspace, a project and GitHub, Stripe and Standard Webhooks integrations each),
 * seeded before the worker (only the integration-events handler, three attempts, four at a time) starts;
 * `deliver(t, integrationId, sourceEventId, eventType, payload)`: a verified delivery as the ingress stores it (the
 * ingress and its signatures are tested in @spine/webhooks); `eventRow(id)`, `waitForStatus(id, done?)`,
 * `waitForRuns(eventId, count)`, `itemsOf(t)`, `accessState(t)`: reads as the owner.
 */
const test = workerTest
  .override("workerHandlers", { scope: "file" }, [integrationEventsHandler(3) as WorkerHandler])
  .override("workerOptions", { scope: "file" }, { relayPollMs: 200, concurrency: 4, maxAttempts: 3 })
  .extend("tenants", { scope: "file" }, async ({ domain }) => {
    const a = {} as Tenant;
    const b = {} as Tenant;
    await seedTenant(domain, a, "proc-a");
    await seedTenant(domain, b, "proc-b");
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
  .extend("deliver", { scope: "file" }, ({ domain }) => (t: Tenant, integrationId: string, sourceEventId: string, eventType: string, payload: Record<string, unknown>) =>
    domain.run(hookCtx(t), (op) => recordIntegrationEvent(op, { integrationId, sourceEventId, eventType, payload })))
  .extend("eventRow", { scope: "file" }, ({ owner }) => async (id: string): Promise<{ status: string; error: string | null; processed_at: Date | null }> => {
    const { rows } = await owner.query<{ status: string; error: string | null; processed_at: Date | null }>(
      "select status, error, processed_at from integration_events where id = $1", [id]);
    return rows[0]!;
  })
  .extend("waitForStatus", { scope: "file" }, ({ eventRow }) => async (id: string, done = (s: string) => s !== "received"): Promise<{ status: string; error: string | null }> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const row = await eventRow(id);
      if (done(row.status)) return row;
      if (Date.now() > deadline) throw new Error(`integration event ${id} stayed ${row.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })
  .extend("waitForRuns", { scope: "file" }, ({ owner }) => async (eventId: string, count: number): Promise<void> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { rows } = await owner.query<{ n: string }>("select count(*) as n from job_runs where handler = $1 and status = 'succeeded' and event_id = $2", [
        INTEGRATION_EVENTS_HANDLER, eventId,
      ]);
      if (Number(rows[0]!.n) >= count) return;
      if (Date.now() > deadline) throw new Error(`no succeeded run for ${eventId}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })
  .extend("itemsOf", { scope: "file" }, ({ owner }) => async (t: Tenant) =>
    (await owner.query<{ id: string; title: string; status: string; external_id: string; project_id: string }>(
      "select id, title, status, external_id, project_id from items where workspace_id = $1 and external_source is not null order by created_at", [t.workspaceId],
    )).rows)
  .extend("accessState", { scope: "file" }, ({ owner }) => async (t: Tenant): Promise<{ state: string; plan: string | null; reason: string | null }> => {
    const { rows } = await owner.query<{ state: string; plan: string | null; reason: string | null }>(
      "select state, plan, reason from demo_access_states where workspace_id = $1", [t.workspaceId]);
    return rows[0]!;
  });

describe("processing inbound provider events (webhook.received → domain effects)", () => {
  test("GitHub issues opened/edited/closed upsert one item in the linked project; a redelivery changes nothing", async ({ a, natsNames, owner, deliver, waitForStatus, waitForRuns, itemsOf }) => {
    const opened = await deliver(a, a.github, "gh-1", "issues", issue(1001, "opened", "Crash on save", "open"));
    expect(await waitForStatus(opened.integrationEventId)).toMatchObject({ status: "processed", error: null });
    expect(await itemsOf(a)).toEqual([expect.objectContaining({ title: "Crash on save", status: "open", external_id: "1001", project_id: a.projectId })]);

    const edited = await deliver(a, a.github, "gh-2", "issues", issue(1001, "edited", "Crash on save (macOS)", "open"));
    await waitForStatus(edited.integrationEventId);
    const closed = await deliver(a, a.github, "gh-3", "issues", issue(1001, "closed", "Crash on save (macOS)", "closed"));
    await waitForStatus(closed.integrationEventId);
    const items = await itemsOf(a);
    expect(items).toEqual([expect.objectContaining({ title: "Crash on save (macOS)", status: "done", external_id: "1001" })]);

    // The same delivery again is stored once and announces nothing (dedupe at the edge).
    expect((await deliver(a, a.github, "gh-3", "issues", issue(1001, "closed", "x", "closed"))).created).toBe(false);

    // Redelivery on the bus: the stored outbox envelope published again under a new NATS message id
    // (past the duplicate window) is skipped by job_runs; a second webhook.received for the same stored
    // event (new event id) is skipped because the event is no longer `received`.
    const { rows } = await owner.query<{ envelope: EnvelopeOf<"webhook.received"> }>(
      "select envelope from outbox where event_type = 'webhook.received' and envelope->'payload'->>'integration_event_id' = $1", [opened.integrationEventId]);
    const original = rows[0]!.envelope;
    const nc = await connectNats({ servers: TEST_NATS_URL, name: "integ-proc-redeliver" });
    const js = jetstream(nc);
    const subject = `${natsNames.prefix}.${a.workspaceId}.webhook.received`;
    await js.publish(subject, JSON.stringify(original), { msgID: `again-${randomUUID()}` });
    const copy = createEnvelope({ type: "webhook.received", payload: original.payload, workspaceId: a.workspaceId, actorId: null, correlationId: "copy" });
    await js.publish(subject, JSON.stringify(copy), { msgID: copy.event_id });
    await nc.close();
    await waitForRuns(copy.event_id, 1);
    const { rows: runs } = await owner.query<{ n: string }>("select count(*) as n from job_runs where handler = $1 and event_id = $2", [INTEGRATION_EVENTS_HANDLER, original.event_id]);
    expect(Number(runs[0]!.n)).toBe(1);
    expect(await itemsOf(a)).toEqual(items);
    const { rows: created } = await owner.query<{ n: string }>("select count(*) as n from outbox where workspace_id = $1 and event_type = 'item.created'", [a.workspaceId]);
    expect(Number(created[0]!.n)).toBe(1);
  });

  test("two workspaces mirroring the same repository never see each other's items or events", async ({ a, b, natsNames, owner, deliver, eventRow, waitForStatus, waitForRuns, itemsOf }) => {
    const inB = await deliver(b, b.github, "gh-1", "issues", issue(1001, "opened", "B's copy", "open"));
    expect((await waitForStatus(inB.integrationEventId)).status).toBe("processed");
    expect(await itemsOf(b)).toEqual([expect.objectContaining({ title: "B's copy", project_id: b.projectId })]);
    expect((await itemsOf(a))[0]).toMatchObject({ title: "Crash on save (macOS)" });

    // A webhook.received naming A's stored event but scoped to B is processed in B: A's row is invisible there.
    const fresh = await deliver(a, a.github, "gh-iso", "issues", issue(1002, "opened", "A only", "open"));
    await waitForStatus(fresh.integrationEventId);
    await owner.query("update integration_events set status = 'received' where id = $1", [fresh.integrationEventId]);
    const nc = await connectNats({ servers: TEST_NATS_URL, name: "integ-proc-cross" });
    const forged = createEnvelope({
      type: "webhook.received", workspaceId: b.workspaceId, actorId: null, correlationId: "forged",
      payload: { integration_event_id: fresh.integrationEventId, integration_id: a.github, source: a.github, source_event_id: "gh-iso", event_type: "issues" },
    });
    await jetstream(nc).publish(`${natsNames.prefix}.${b.workspaceId}.webhook.received`, JSON.stringify(forged), { msgID: forged.event_id });
    await nc.close();
    await waitForRuns(forged.event_id, 1);
    expect((await eventRow(fresh.integrationEventId)).status).toBe("received");
    expect((await itemsOf(b)).map((i) => i.title)).toEqual(["B's copy"]);
    await owner.query("update integration_events set status = 'processed' where id = $1", [fresh.integrationEventId]);
  });

  test("unmapped events are ignored with the reason; a failure is recorded with its reason, visible in health, and retried after the fix", async ({ a, b, owner, domain, deliver, waitForStatus, itemsOf }) => {
    const other = await deliver(a, a.github, "gh-other-repo", "issues", issue(2001, "opened", "Elsewhere", "open", "acme/other"));
    expect(await waitForStatus(other.integrationEventId)).toMatchObject({ status: "ignored", error: "repository acme/other is not linked to this integration" });
    const push = await deliver(a, a.github, "gh-push", "push", { ref: "refs/heads/main" });
    expect((await waitForStatus(push.integrationEventId)).status).toBe("ignored");
    const std = await deliver(a, a.standard, "msg_1", "invoice.paid", { type: "invoice.paid" });
    expect(await waitForStatus(std.integrationEventId)).toMatchObject({ status: "ignored", error: "provider standard-webhooks has no mapping to Spine" });

    const malformed = await deliver(a, a.github, "gh-bad", "issues", { action: "opened", repository: { full_name: "acme/app" } });
    const bad = await waitForStatus(malformed.integrationEventId);
    expect(bad.status).toBe("failed");
    expect(bad.error).toMatch(/^BAD_REQUEST: github issues payload is malformed/);

    // Unlinked project: fails with the reason; the owner fixes the config and retries.
    await domain.run(userCtx(a), (op) => updateIntegration(op, { integrationId: a.github, config: { repository: "acme/app" } }));
    const unlinked = await deliver(a, a.github, "gh-unlinked", "issues", issue(3001, "opened", "Needs a project", "open"));
    const failed = await waitForStatus(unlinked.integrationEventId);
    expect(failed).toMatchObject({ status: "failed" });
    expect(failed.error).toMatch(/projectId and repository/);
    const health = await domain.run(userCtx(a), (op) => getIntegrationHealth(op, a.github));
    expect(health.events.failed).toBe(2);
    expect(health.lastProcessingError).toMatch(/projectId and repository/);
    expect(health.lastDeliveryAt).not.toBeNull();

    await domain.run(userCtx(a), (op) => updateIntegration(op, { integrationId: a.github, config: { repository: "acme/app", projectId: a.projectId } }));
    const retried = await domain.run(userCtx(a), (op) => retryIntegrationEvent(op, unlinked.integrationEventId));
    expect(retried.previousError).toMatch(/projectId/);
    expect(await waitForStatus(unlinked.integrationEventId, (s) => s === "processed")).toMatchObject({ status: "processed", error: null });
    expect((await itemsOf(a)).map((i) => i.title)).toContain("Needs a project");
    const { rows: audit } = await owner.query<{ n: string }>("select count(*) as n from audit_logs where action = 'integration_event.retried' and target_id = $1", [unlinked.integrationEventId]);
    expect(Number(audit[0]!.n)).toBe(1);
    // Only a failed event can be retried.
    await expect(domain.run(userCtx(a), (op) => retryIntegrationEvent(op, unlinked.integrationEventId))).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(domain.run(userCtx(b), (op) => retryIntegrationEvent(op, malformed.integrationEventId))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("Stripe subscriptions drive the access lifecycle; a reactivation gets through to an inactive workspace, GitHub writes do not", async ({ a, owner, domain, deliver, waitForStatus, accessState }) => {
    // Stripe dates its events in whole seconds: place the history after the workspace's birth (its activation).
    const { rows: born } = await owner.query<{ effective_at: Date }>("select effective_at from demo_access_states where workspace_id = $1", [a.workspaceId]);
    const base = Math.ceil(born[0]!.effective_at.getTime() / 1000) + 1;
    while (Date.now() < (base + 4) * 1000) await new Promise((r) => setTimeout(r, 100));
    const now = base + 4;
    await domain.run(userCtx(a), (op) =>
      applyLifecycleEvent(op, { type: "access.deactivated", payload: { reason: "trial ended", effective_at: new Date((base - 0.5) * 1000).toISOString() } }));
    expect((await accessState(a)).state).toBe("inactive");

    // GitHub deliveries are refused at the edge while access is inactive; Stripe's are the billing path and get in.
    await expect(deliver(a, a.github, "gh-inactive", "issues", issue(4001, "opened", "x", "open"))).rejects.toMatchObject({ code: "ACCESS_INACTIVE" });
    const reactivated = await deliver(a, a.stripe, "evt_1", "customer.subscription.updated", subscription("evt_1", "customer.subscription.updated", "active", base, "enterprise"));
    expect((await waitForStatus(reactivated.integrationEventId)).status).toBe("processed");
    expect(await accessState(a)).toMatchObject({ state: "active", plan: "enterprise" });

    const changed = await deliver(a, a.stripe, "evt_2", "customer.subscription.updated", subscription("evt_2", "customer.subscription.updated", "active", base + 1, "pro"));
    await waitForStatus(changed.integrationEventId);
    expect(await accessState(a)).toMatchObject({ state: "active", plan: "pro" });

    const deleted = await deliver(a, a.stripe, "evt_3", "customer.subscription.deleted", subscription("evt_3", "customer.subscription.deleted", "canceled", base + 2));
    await waitForStatus(deleted.integrationEventId);
    expect(await accessState(a)).toMatchObject({ state: "inactive", reason: "stripe subscription deleted" });
    const { rows } = await owner.query<{ event_type: string }>(
      "select event_type from access_events where workspace_id = $1 and payload->>'effective_at' >= $2 order by effective_at",
      [a.workspaceId, new Date(base * 1000).toISOString()]);
    expect(rows.map((r) => r.event_type)).toEqual(["access.activated", "access.changed", "access.deactivated"]);

    const created = await deliver(a, a.stripe, "evt_4", "customer.subscription.created", subscription("evt_4", "customer.subscription.created", "active", now));
    await waitForStatus(created.integrationEventId);
    expect(await accessState(a)).toMatchObject({ state: "active", plan: "pro" });
    const invoice = await deliver(a, a.stripe, "evt_5", "invoice.paid", { id: "evt_5", type: "invoice.paid", data: { object: {} } });
    expect((await waitForStatus(invoice.integrationEventId)).status).toBe("ignored");
  });
});
