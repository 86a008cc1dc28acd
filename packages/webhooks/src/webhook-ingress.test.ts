import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { connectIntegration, createWorkspace, signUp, type Domain } from "@spine/domain";
import { dbTest } from "@spine/testing/fixtures";
import { signWebhook } from "./verify-signature.ts";
import { serveIngress } from "./test-support/ingress-server.ts";

const secret = `whsec_${randomBytes(24).toString("base64")}`;

async function setupWorkspace(domain: Domain, email: string): Promise<{ workspaceId: string; integrationId: string }> {
  const correlationId = randomUUID();
  const user = await domain.run({ workspaceId: null, actorId: null, actorType: "system", correlationId }, (op) =>
    signUp(op, { email, password: "correct horse battery staple", displayName: email }),
  );
  return domain.run({ workspaceId: null, actorId: user.id, actorType: "user", correlationId }, async (op) => {
    const { workspace } = await createWorkspace(op, { name: email });
    const integration = await connectIntegration(op, { provider: "standard-webhooks", name: "repo", credentials: { token: "t" }, webhookSecret: secret });
    return { workspaceId: workspace.id, integrationId: integration.id };
  });
}

const it = dbTest
  /** Two workspaces, each with an integration verified by `secret`. */
  .extend("ws", { scope: "file" }, async ({ domain }) => {
    const a = await setupWorkspace(domain, "a@webhooks.test");
    const b = await setupWorkspace(domain, "b@webhooks.test");
    return { a: a.workspaceId, b: b.workspaceId, integrationA: a.integrationId, integrationB: b.integrationId };
  })
  /** The ingress (1 KiB body limit) on a free port: its base URL; closed after the file. */
  .extend("base", { scope: "file" }, async ({ domain }, { onCleanup }) => {
    const ingress = await serveIngress(domain, { maxBodyBytes: 1024 });
    onCleanup(() => ingress.close());
    return ingress.base;
  })
  /** A client of the database owner (dbTest's `ownerSql`). */
  .extend("owner", { scope: "file" }, ({ ownerSql }) => ownerSql)
  .extend("post", { scope: "file" }, ({ base }) => (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${base}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } }),
  )
  .extend("counts", { scope: "file" }, ({ owner }) => async () => {
    const { rows } = await owner.query<{ events: string; outbox: string }>(
      "select (select count(*) from integration_events) as events, (select count(*) from outbox where event_type = 'webhook.received') as outbox",
    );
    return { events: Number(rows[0]!.events), outbox: Number(rows[0]!.outbox) };
  });

describe("webhook ingress", () => {
  it("stores a verified webhook once and announces it once; a repeat answers 2xx and does nothing", async ({ ws, post, counts, owner }) => {
    const body = JSON.stringify({ type: "push", ref: "main" });
    const headers = signWebhook(secret, "evt_1", new Date(), body);
    const first = await post(`/webhooks/${ws.a}/${ws.integrationA}`, body, headers);
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ status: "accepted" });
    const again = await post(`/webhooks/${ws.a}/${ws.integrationA}`, body, headers);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "duplicate" });
    expect(await counts()).toEqual({ events: 1, outbox: 1 });
    const { rows } = await owner.query<{ envelope: unknown }>("select envelope from outbox where event_type = 'webhook.received'");
    expect(rows[0]!.envelope).toMatchObject({ workspace_id: ws.a, payload: { source: ws.integrationA, integration_id: ws.integrationA, source_event_id: "evt_1", event_type: "push" } });
  });

  it("refuses bad signatures, stale timestamps, oversize bodies and foreign integrations, changing nothing", async ({ ws, post, counts }) => {
    const before = await counts();
    const body = JSON.stringify({ type: "push" });
    const forged = await post(`/webhooks/${ws.a}/${ws.integrationA}`, body, signWebhook(`whsec_${randomBytes(24).toString("base64")}`, "evt_2", new Date(), body));
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { code: "UNAUTHENTICATED", reason: "bad_signature" } });
    const stale = await post(`/webhooks/${ws.a}/${ws.integrationA}`, body, signWebhook(secret, "evt_3", new Date(Date.now() - 10 * 60_000), body));
    expect(stale.status).toBe(401);
    const big = "x".repeat(2048);
    const large = await post(`/webhooks/${ws.a}/${ws.integrationA}`, big, signWebhook(secret, "evt_4", new Date(), big));
    expect(large.status).toBe(413);
    // B's integration addressed under A's workspace: invisible, so not found.
    const foreign = await post(`/webhooks/${ws.a}/${ws.integrationB}`, body, signWebhook(secret, "evt_5", new Date(), body));
    expect(foreign.status).toBe(404);
    const junk = await post(`/webhooks/${"-".repeat(36)}/${ws.integrationA}`, body, signWebhook(secret, "evt_6", new Date(), body));
    expect(junk.status).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it("answers 400 to a signed payload Postgres cannot store (NUL), storing nothing, so the sender stops retrying", async ({ ws, post, counts }) => {
    const before = await counts();
    const body = JSON.stringify({ type: "push", note: "a\u0000b" });
    const res = await post(`/webhooks/${ws.a}/${ws.integrationA}`, body, signWebhook(secret, "evt_nul", new Date(), body));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "BAD_REQUEST" } });
    expect(await counts()).toEqual(before);
  });

  it("dedupes per workspace: the same webhook id in another workspace is a different event", async ({ ws, post }) => {
    const body = JSON.stringify({ type: "push" });
    const res = await post(`/webhooks/${ws.b}/${ws.integrationB}`, body, signWebhook(secret, "evt_1", new Date(), body));
    expect(res.status).toBe(202);
  });
});
