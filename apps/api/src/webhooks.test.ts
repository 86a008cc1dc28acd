import { randomBytes } from "node:crypto";
import { describe, expect } from "vitest";
import { hostTest } from "./test-support/fixtures.ts";
import { connectIntegration } from "@spine/domain";
import { signWebhook } from "@spine/webhooks";
import { newWebhookSecret } from "@spine/api/test-support";

const secret = `whsec_${randomBytes(24).toString("base64")}`;

// `workspaceId`: a workspace of `owner`; `integrationId`: an integration of it whose webhooks are signed with `secret`.
const test = hostTest
  .override("hostOptions", { scope: "file" }, { maxWebhookBodyBytes: 4096 })
  .extend("workspaceId", { scope: "file" }, async ({ owner }) => (await owner.client.workspace.create.mutate({ name: "Hooks" })).workspace.id)
  .extend("integrationId", { scope: "file" }, async ({ h, owner, workspaceId }) => {
    const view = await h.api.domain.run({ workspaceId, actorId: owner.userId, actorType: "user", correlationId: "setup" }, (op) =>
      connectIntegration(op, { provider: "standard-webhooks", name: "billing", credentials: { apiKey: "sk_live_x" }, webhookSecret: secret }),
    );
    return view.id;
  });

describe("POST /webhooks/:workspace/:integration on the API host", () => {
  test("verifies, stores once, and carries the request's correlation id into the envelope", async ({ h, workspaceId, integrationId }) => {
    const body = JSON.stringify({ type: "invoice.paid", id: "in_1" });
    const send = () =>
      fetch(`${h.api.url}/webhooks/${workspaceId}/${integrationId}`, {
        method: "POST",
        body,
        headers: { ...signWebhook(secret, "msg_paid_1", new Date(), body), "x-correlation-id": "corr-webhook-1" },
      });
    const first = await send();
    expect(first.status).toBe(202);
    expect(first.headers.get("x-correlation-id")).toBe("corr-webhook-1");
    expect((await send()).status).toBe(200);
    const { rows } = await h.sql.query<{ envelope: { correlation_id: string; payload: { source_event_id: string } } }>(
      "select envelope from outbox where event_type = 'webhook.received'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.envelope.correlation_id).toBe("corr-webhook-1");
    expect(rows[0]!.envelope.payload.source_event_id).toBe("msg_paid_1");
  });

  test("answers 401 to a forged signature and 413 to an oversize body, storing nothing", async ({ h, workspaceId, integrationId }) => {
    const before = await h.fingerprint();
    const body = JSON.stringify({ type: "invoice.paid" });
    const forged = await fetch(`${h.api.url}/webhooks/${workspaceId}/${integrationId}`, {
      method: "POST", body, headers: signWebhook(`whsec_${randomBytes(24).toString("base64")}`, "msg_x", new Date(), body),
    });
    expect(forged.status).toBe(401);
    const big = JSON.stringify({ type: "x", pad: "y".repeat(8000) });
    const large = await fetch(`${h.api.url}/webhooks/${workspaceId}/${integrationId}`, { method: "POST", body: big, headers: signWebhook(secret, "msg_big", new Date(), big) });
    expect(large.status).toBe(413);
    expect(await h.fingerprint()).toEqual(before);
  });
});

describe("webhooks of an integration managed through the API", () => {
  test("rotation keeps the previous secret valid for webhooks until it is dropped", async ({ h, owner, workspaceId }) => {
    const c = owner.client;
    const old = newWebhookSecret();
    const next = newWebhookSecret();
    const i = await c.integration.connect.mutate({ workspaceId, provider: "standard-webhooks", name: "repo", credentials: { token: "ghp_1" }, webhookSecret: old });
    let n = 0;
    const deliver = async (signingSecret: string) => {
      const body = JSON.stringify({ type: "push", n: ++n });
      const res = await fetch(`${h.api.url}${i.webhookPath}`, { method: "POST", body, headers: signWebhook(signingSecret, `msg_${n}`, new Date(), body) });
      return res.status;
    };
    expect(await deliver(old)).toBe(202);
    const rotated = await c.integration.update.mutate({ workspaceId, integrationId: i.id, webhookSecret: next, keepPreviousWebhookSecret: true }, { context: { correlationId: "corr-rotate" } });
    expect(JSON.stringify(rotated)).not.toContain(next);
    expect([await deliver(old), await deliver(next)]).toEqual([202, 202]);
    const rotatedEvent = await h.sql.query<{ payload: unknown }>("select envelope->'payload' as payload from outbox where envelope->>'correlation_id' = 'corr-rotate'");
    expect(rotatedEvent.rows[0]?.payload).toMatchObject({ changed_fields: ["webhook_secret"] });
    await c.integration.update.mutate({ workspaceId, integrationId: i.id, webhookSecret: next });
    expect([await deliver(old), await deliver(next)]).toEqual([401, 202]);
    await c.integration.update.mutate({ workspaceId, integrationId: i.id, webhookSecret: `${old} ${next}` });
    expect([await deliver(old), await deliver(next)]).toEqual([202, 202]);
    await expect(c.integration.update.mutate({ workspaceId, integrationId: i.id, keepPreviousWebhookSecret: true }))
      .rejects.toMatchObject({ data: { code: "BAD_REQUEST", issues: [{ path: "keepPreviousWebhookSecret" }] } });
  });

  test("disconnect hides the integration and refuses its webhooks; restore brings both back", async ({ h, owner, workspaceId }) => {
    const c = owner.client;
    const s = newWebhookSecret();
    const i = await c.integration.connect.mutate({ workspaceId, provider: "linear", name: "issues", credentials: {}, webhookSecret: s });
    const gone = await c.integration.disconnect.mutate({ workspaceId, integrationId: i.id });
    expect(gone).toMatchObject({ status: "disconnected" });
    expect(gone.deletedAt).not.toBeNull();
    await expect(c.integration.get.query({ workspaceId, integrationId: i.id })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    const body = JSON.stringify({ type: "issue" });
    const post = () => fetch(`${h.api.url}${i.webhookPath}`, { method: "POST", body, headers: signWebhook(s, `m_${randomBytes(4).toString("hex")}`, new Date(), body) });
    expect((await post()).status).toBe(404);
    expect((await c.integration.list.query({ workspaceId, includeDeleted: true })).items.map((x) => x.id)).toContain(i.id);
    await expect(c.integration.restore.mutate({ workspaceId, integrationId: i.id })).resolves.toMatchObject({ status: "connected", deletedAt: null });
    expect((await post()).status).toBe(202);
  });
});
