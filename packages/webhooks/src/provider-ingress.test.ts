import { randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { connectIntegration, createWorkspace, signUp, type Domain } from "@spine/domain";
import { dbTest } from "@spine/testing/fixtures";
import { signGithub } from "./providers/github.ts";
import { signStripe } from "./providers/stripe.ts";
import { serveIngress } from "./test-support/ingress-server.ts";

const GH_OLD = "gh-old-secret-0123456789";
const GH_NEW = "gh-new-secret-0123456789";
const STRIPE = "whsec_stripe_0123456789abcdefghij";

/** A workspace with two GitHub integrations and a Stripe one. */
async function seedIntegrations(domain: Domain) {
  const correlationId = randomUUID();
  const user = await domain.run({ workspaceId: null, actorId: null, actorType: "system", correlationId }, (op) =>
    signUp(op, { email: "hooks@providers.test", password: "correct horse battery staple", displayName: "hooks" }),
  );
  const workspaceId = await domain.run({ workspaceId: null, actorId: user.id, actorType: "user", correlationId }, async (op) => {
    const { workspace } = await createWorkspace(op, { name: "providers" });
    return workspace.id;
  });
  return domain.run({ workspaceId, actorId: user.id, actorType: "user", correlationId }, async (op) => ({
    workspaceId,
    // The first GitHub integration is mid-rotation: the new secret and the previous one both verify.
    github1: (await connectIntegration(op, { provider: "github", name: "repo-a", credentials: {}, webhookSecret: `${GH_NEW} ${GH_OLD}` })).id,
    github2: (await connectIntegration(op, { provider: "github", name: "repo-b", credentials: {}, webhookSecret: GH_NEW })).id,
    stripe: (await connectIntegration(op, { provider: "stripe", name: "billing", credentials: {}, webhookSecret: STRIPE })).id,
  }));
}

const it = dbTest
  .extend("ids", { scope: "file" }, ({ domain }) => seedIntegrations(domain))
  /** The ingress on a free port: its base URL; closed after the file. */
  .extend("base", { scope: "file" }, async ({ domain }, { onCleanup }) => {
    const ingress = await serveIngress(domain);
    onCleanup(() => ingress.close());
    return ingress.base;
  })
  /** A client of the database owner (dbTest's `ownerSql`). */
  .extend("owner", { scope: "file" }, ({ ownerSql }) => ownerSql)
  .extend("post", { scope: "file" }, ({ base, ids }) => (integrationId: string, body: string, headers: Record<string, string>) =>
    fetch(`${base}/webhooks/${ids.workspaceId}/${integrationId}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } }),
  )
  .extend("stored", { scope: "file" }, ({ owner }) => async (integrationId: string) => {
    const { rows } = await owner.query<{ source: string; source_event_id: string; event_type: string }>(
      "select source, source_event_id, event_type from integration_events where integration_id = $1 order by received_at",
      [integrationId],
    );
    return rows;
  });

describe("GitHub deliveries", () => {
  const body = JSON.stringify({ action: "opened", issue: { number: 7, title: "Broken" }, repository: { full_name: "acme/app" } });

  it("a signed delivery is stored once under its X-GitHub-Delivery; a redelivery is a duplicate", async ({ ids, post, stored }) => {
    const headers = signGithub(GH_NEW, "72d3162e-cc78-11e3-81ab-4c9367dc0958", "issues", body);
    expect((await post(ids.github1, body, headers)).status).toBe(202);
    expect((await post(ids.github1, body, headers)).status).toBe(200);
    expect(await stored(ids.github1)).toEqual([{ source: ids.github1, source_event_id: "72d3162e-cc78-11e3-81ab-4c9367dc0958", event_type: "issues" }]);
  });

  it("the previous secret verifies during a rotation; a tampered body or an unknown secret is 401, storing nothing", async ({ ids, post, stored }) => {
    expect((await post(ids.github1, body, signGithub(GH_OLD, "d-rotated", "issues", body))).status).toBe(202);
    const tampered = await post(ids.github1, body.replace("Broken", "Fixed"), signGithub(GH_NEW, "d-tampered", "issues", body));
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toMatchObject({ error: { code: "UNAUTHENTICATED", reason: "bad_signature" } });
    // repo-b holds only the new secret.
    expect((await post(ids.github2, body, signGithub(GH_OLD, "d-old", "issues", body))).status).toBe(401);
    // A Standard Webhooks signature is not a GitHub one.
    expect((await post(ids.github1, body, { "webhook-id": "x", "webhook-timestamp": "1", "webhook-signature": "v1,x" })).status).toBe(401);
    expect((await stored(ids.github1)).map((r) => r.source_event_id)).not.toContain("d-tampered");
    expect(await stored(ids.github2)).toEqual([]);
  });

  it("two integrations of one provider receiving the same delivery id never collide", async ({ ids, post, stored }) => {
    const headers = signGithub(GH_NEW, "same-delivery", "issues", body);
    expect((await post(ids.github1, body, headers)).status).toBe(202);
    expect((await post(ids.github2, body, headers)).status).toBe(202);
    expect((await stored(ids.github2)).map((r) => r.source)).toEqual([ids.github2]);
  });
});

describe("Stripe deliveries", () => {
  const body = JSON.stringify({ id: "evt_1Nabc", object: "event", type: "customer.subscription.updated", data: { object: { id: "sub_1" } } });

  it("a signed event is stored once by its id, even when Stripe re-signs a retry with a new timestamp", async ({ ids, post, stored }) => {
    expect((await post(ids.stripe, body, signStripe(STRIPE, new Date(), body))).status).toBe(202);
    const retry = await post(ids.stripe, body, signStripe(STRIPE, new Date(Date.now() + 1000), body));
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ status: "duplicate" });
    expect(await stored(ids.stripe)).toEqual([{ source: ids.stripe, source_event_id: "evt_1Nabc", event_type: "customer.subscription.updated" }]);
  });

  it("a stale, tampered or foreign-secret event is 401 and stores nothing", async ({ ids, post, stored }) => {
    const other = JSON.stringify({ id: "evt_2", object: "event", type: "customer.subscription.deleted" });
    const stale = await post(ids.stripe, other, signStripe(STRIPE, new Date(Date.now() - 10 * 60_000), other));
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ error: { reason: "bad_timestamp" } });
    expect((await post(ids.stripe, other.replace("deleted", "created"), signStripe(STRIPE, new Date(), other))).status).toBe(401);
    expect((await post(ids.stripe, other, signStripe("whsec_someone_else_0123456789ab", new Date(), other))).status).toBe(401);
    expect((await stored(ids.stripe)).map((r) => r.source_event_id)).toEqual(["evt_1Nabc"]);
  });
});
