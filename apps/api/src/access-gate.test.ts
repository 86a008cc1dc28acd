import { randomBytes } from "node:crypto";
import { describe, expect } from "vitest";
import { hostTest } from "./test-support/fixtures.ts";
import { runAccessTransition } from "@spine/domain";
import { signWebhook } from "@spine/webhooks";
import type { Harness } from "./test-support/api-harness.ts";
import { WORKSPACE_PROCEDURES } from "@spine/api/test-support";

const secret = `whsec_${randomBytes(32).toString("base64")}`;

// `webhook(id)` posts a signed event to an integration of `f`.
const test = hostTest.extend("webhook", { scope: "file" }, async ({ h, owner, f }) => {
  const integrationId = (await owner.client.integration.connect.mutate({
    workspaceId: f.workspaceId, provider: "standard-webhooks", name: "hooks", credentials: {}, webhookSecret: secret,
  })).id;
  return async (id: string): Promise<{ status: number; body: { error?: { code: string } } }> => {
    const body = JSON.stringify({ type: "invoice.paid", id });
    const res = await fetch(`${h.api.url}/webhooks/${f.workspaceId}/${integrationId}`, { method: "POST", body, headers: signWebhook(secret, id, new Date(), body) });
    return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
  };
});

const expectInactive = (res: Awaited<ReturnType<Harness["raw"]>>, label: string) => {
  expect.soft(res.status, label).toBe(403);
  expect.soft(res.body.error?.data.appCode, label).toBe("ACCESS_INACTIVE");
};

/**
 * Mutations allowed while access is inactive: changing access itself, stopping an agent run, and
 * retrying a failed inbound event (a billing event may be what reactivates the workspace).
 */
const ALLOWED_WHILE_INACTIVE = ["access.change", "agent.cancel", "integration.retryEvent"];
const mutationsOnThisWorkspace = () => WORKSPACE_PROCEDURES.filter((p) => p.type === "mutation" && !ALLOWED_WHILE_INACTIVE.includes(p.path));

describe("access gates writes: activated → changed (plan) → expired → re-activated", () => {
  test("walks the lifecycle and checks what each step allows", async ({ h, owner, f, webhook }) => {
    const c = owner.client;
    const ws = { workspaceId: f.workspaceId };

    // 1. Born active on the default plan: writes, webhooks and agent runs work.
    expect(await c.access.get.query(ws)).toMatchObject({ state: "active", status: "active", plan: "free" });
    expect((await c.workspace.get.query(ws)).workspace.planTier).toBe("free");
    await c.project.create.mutate({ ...ws, name: "born" });
    expect((await webhook("msg_1")).status).toBe(202);

    // 2. Changed to pro: plan_tier follows, writes still work.
    await c.access.change.mutate({ ...ws, change: { type: "change", plan: "pro" } });
    expect((await c.workspace.get.query(ws)).workspace.planTier).toBe("pro");
    await c.project.create.mutate({ ...ws, name: "pro" });

    // 3. Expired: an expiry that has passed makes the workspace read-only at once, before the job runs...
    const expiresAt = new Date(Date.now() - 1000).toISOString();
    await c.access.change.mutate({ ...ws, change: { type: "change", plan: "pro", expiresAt } });
    expect(await c.access.get.query(ws)).toMatchObject({ state: "active", status: "expired", expiresAt });
    const refused = await h.raw("project.create", { type: "mutation", input: { ...ws, name: "late" }, token: owner.session.accessToken });
    expectInactive(refused, "project.create while expired");
    expect(refused.body.error?.data).toMatchObject({ appCode: "ACCESS_INACTIVE" });
    // ...and the expiry job turns it into access.deactivated (reason expired).
    const job = await h.api.domain.run({ workspaceId: f.workspaceId, actorId: null, actorType: "system", correlationId: "expiry" }, (op) => runAccessTransition(op));
    expect(job.outcome).toBe("expired");
    expect(await c.access.get.query(ws)).toMatchObject({ state: "inactive", status: "inactive", reason: "expired", plan: "pro" });

    // Every write procedure answers ACCESS_INACTIVE and changes nothing; every read still works.
    const inputs: { path: string; input: Record<string, unknown> }[] = [];
    await c.access.change.mutate({ ...ws, change: { type: "activate", plan: "pro" } });
    for (const proc of mutationsOnThisWorkspace()) {
      const input = await proc.input(f, null);
      if (input.workspaceId === f.workspaceId) inputs.push({ path: proc.path, input });
    }
    const reads: { path: string; input: Record<string, unknown> }[] = [];
    for (const proc of WORKSPACE_PROCEDURES.filter((p) => p.type === "query")) {
      const input = await proc.input(f, null);
      if (input.workspaceId === f.workspaceId) reads.push({ path: proc.path, input });
    }
    const threadId = (await c.agent.createThread.mutate({ ...ws, title: "t" })).id;
    await c.access.change.mutate({ ...ws, change: { type: "deactivate", reason: "expired" } });
    const before = await h.fingerprint();
    expect(inputs.map((i) => i.path)).toEqual(expect.arrayContaining(["project.create", "item.create", "document.create", "agent.run", "usage.setPolicy", "member.add"]));
    for (const { path, input } of inputs) {
      expectInactive(await h.raw(path, { type: "mutation", input, token: owner.session.accessToken }), path);
    }
    const hook = await webhook("msg_2");
    expect(hook).toMatchObject({ status: 403, body: { error: { code: "ACCESS_INACTIVE" } } });
    expect(await h.fingerprint()).toEqual(before);
    expect(reads.length).toBeGreaterThan(10);
    for (const { path, input } of reads) {
      const res = await h.raw(path, { type: "query", input, token: owner.session.accessToken });
      expect.soft(res.status, path).toBe(200);
    }

    // 4. Re-activated by the owner (allowed while inactive): writes, webhooks and agent runs work again.
    await c.access.change.mutate({ ...ws, change: { type: "activate", plan: "enterprise" } });
    expect(await c.access.get.query(ws)).toMatchObject({ state: "active", status: "active", plan: "enterprise" });
    expect((await c.workspace.get.query(ws)).workspace.planTier).toBe("enterprise");
    await c.project.create.mutate({ ...ws, name: "back" });
    expect((await webhook("msg_3")).status).toBe(202);
    expect((await c.agent.run.mutate({ ...ws, threadId, message: "hello" })).status).toBe("completed");
  });
});

describe("agent.cancel while access is inactive", () => {
  test("still stops a run: stopping work is never blocked", async ({ h, owner, f }) => {
    const c = owner.client;
    const ws = { workspaceId: f.workspaceId };
    const threadId = (await c.agent.createThread.mutate({ ...ws, title: "to cancel" })).id;
    const { rows } = await h.sql.query<{ id: string }>(
      "insert into agent_runs (id, workspace_id, thread_id, status, model) values (gen_random_uuid(), $1, $2, 'running', 'offline-deterministic-v1') returning id",
      [f.workspaceId, threadId],
    );
    await c.access.change.mutate({ ...ws, change: { type: "deactivate", reason: "manual" } });
    await expect(c.agent.cancel.mutate({ ...ws, runId: rows[0]!.id })).resolves.toMatchObject({ status: "failed", error: "cancelled by the caller" });
    await expect(c.agent.cancel.mutate({ ...ws, runId: rows[0]!.id })).rejects.toMatchObject({ data: { code: "PRECONDITION_FAILED" } });
    await c.access.change.mutate({ ...ws, change: { type: "activate", plan: "free" } });
  });
});
