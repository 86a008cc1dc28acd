import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { parseEnvelope } from "@spine/contracts";
import { outboxTypesOf } from "../../test-support/audit-rows.ts";
import { seedWorkspace, useTestDomain, userCtx, type SeededWorkspace } from "../../test-support/test-domain.ts";
import { connectIntegration } from "./connect-integration.ts";
import { disconnectIntegration } from "./disconnect-integration.ts";
import { findIntegration } from "./find-integration.ts";
import { openCredentials, openWebhookSecrets } from "./integration-secrets.ts";
import { recordIntegrationEvent } from "./record-integration-event.ts";
import { recordSyncFailure } from "./record-sync-failure.ts";
import { updateIntegration } from "./update-integration.ts";

const t = useTestDomain("integrations");
let owner: pg.Client;
let ws: SeededWorkspace;
let other: SeededWorkspace;
beforeAll(async () => {
  ws = await seedWorkspace(t.domain, "integ");
  other = await seedWorkspace(t.domain, "integ-other");
  owner = new pg.Client({ connectionString: t.db.ownerUrl });
  await owner.connect();
});
afterAll(async () => {
  await owner?.end();
});

const connect = (name: string, w = ws) =>
  t.domain.run(userCtx(w.workspaceId, w.userId), (op) =>
    connectIntegration(op, { provider: "github", name, config: { org: "acme" }, credentials: { token: "tok-SECRET" }, webhookSecret: "whsec-SECRET" }),
  );

describe("integrations", () => {
  it("connect stores the credentials but never returns them", async () => {
    const view = await connect("main");
    expect(JSON.stringify(view)).not.toMatch(/SECRET/);
    expect(view).toMatchObject({ provider: "github", hasCredentials: true, hasWebhookSecret: true, connectedBy: ws.userId, status: "connected" });
    const { rows } = await owner.query<{ credentials: Record<string, string>; webhook_secret: string }>("select credentials, webhook_secret from integrations where id = $1", [view.id]);
    expect(JSON.stringify(rows[0])).not.toMatch(/SECRET/);
    expect(rows[0]!.credentials.$sealed).toMatch(/^spine:v1:/);
    expect(rows[0]!.webhook_secret).toMatch(/^spine:v1:/);
    const opened = await t.domain.run(userCtx(ws.workspaceId, ws.userId), async (op) => {
      const integration = await findIntegration(op, view.id);
      return { credentials: openCredentials(op, integration), secrets: openWebhookSecrets(op, integration) };
    });
    expect(opened).toEqual({ credentials: { token: "tok-SECRET" }, secrets: ["whsec-SECRET"] });
  });

  it("a second live integration with the same provider and name conflicts", async () => {
    await connect("dup");
    await expect(connect("dup")).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("update announces the changed field names, never their values", async () => {
    const view = await connect("rotate");
    const corr = `rot-${view.id}`;
    const updated = await t.domain.run(userCtx(ws.workspaceId, ws.userId, corr), (op) =>
      updateIntegration(op, { integrationId: view.id, credentials: { token: "tok2-SECRET" }, name: "rotated" }),
    );
    expect(updated.name).toBe("rotated");
    const { rows } = await owner.query("select envelope from outbox where envelope->>'correlation_id' = $1", [corr]);
    const env = parseEnvelope((rows[0] as { envelope: unknown }).envelope);
    expect(env).toMatchObject({ event_type: "integration.updated", payload: { changed_fields: ["name", "credentials"] } });
    expect(JSON.stringify(rows)).not.toMatch(/SECRET/);
  });

  it("disconnect soft-deletes: the integration is gone from reads and refuses new webhook events", async () => {
    const view = await connect("gone");
    await t.domain.run(userCtx(ws.workspaceId, ws.userId), (op) => disconnectIntegration(op, view.id));
    await expect(t.domain.run(userCtx(ws.workspaceId, ws.userId), (op) => findIntegration(op, view.id))).rejects.toMatchObject({ code: "NOT_FOUND" });
    const record = t.domain.run(userCtx(ws.workspaceId, ws.userId), (op) =>
      recordIntegrationEvent(op, { integrationId: view.id, sourceEventId: "x", eventType: "push", payload: {} }),
    );
    await expect(record).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a sync failure marks the integration and announces integration.sync_failed", async () => {
    const view = await connect("flaky");
    const corr = `sync-${view.id}`;
    await t.domain.run(userCtx(ws.workspaceId, ws.userId, corr), (op) => recordSyncFailure(op, { integrationId: view.id, error: "timeout", attempt: 3 }));
    expect(await outboxTypesOf(owner, corr)).toEqual(["integration.sync_failed"]);
    const { rows } = await owner.query("select status from integrations where id = $1", [view.id]);
    expect(rows[0]).toEqual({ status: "error" });
  });
});

describe("inbound webhook events", () => {
  it("are stored once per (source = the integration, source_event_id); only the first announces webhook.received", async () => {
    const view = await connect("hooks");
    const input = { integrationId: view.id, sourceEventId: "delivery-1", eventType: "push", payload: { ref: "main" } };
    const results = [];
    const correlations: string[] = [];
    for (let i = 0; i < 3; i++) {
      const corr = `hook-${view.id}-${i}`;
      correlations.push(corr);
      results.push(await t.domain.run(userCtx(ws.workspaceId, ws.userId, corr), (op) => recordIntegrationEvent(op, input)));
    }
    expect(results.map((r) => r.created)).toEqual([true, false, false]);
    expect(new Set(results.map((r) => r.integrationEventId)).size).toBe(1);
    const types = await Promise.all(correlations.map((c) => outboxTypesOf(owner, c)));
    expect(types).toEqual([["webhook.received"], [], []]);
    const { rows } = await owner.query("select count(*)::int as n from integration_events where source_event_id = 'delivery-1'");
    expect(rows[0]).toEqual({ n: 1 });
  });

  it("concurrent deliveries of the same event store it once", async () => {
    const view = await connect("race");
    const input = { integrationId: view.id, sourceEventId: "delivery-race", eventType: "push", payload: {} };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => t.domain.run(userCtx(ws.workspaceId, ws.userId), (op) => recordIntegrationEvent(op, input))),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it("the same source event id in another workspace is a different event", async () => {
    const mine = await connect("shared-a");
    const theirs = await connect("shared-b", other);
    const record = (w: SeededWorkspace, integrationId: string) =>
      t.domain.run(userCtx(w.workspaceId, w.userId), (op) =>
        recordIntegrationEvent(op, { integrationId, sourceEventId: "evt_same", eventType: "invoice.paid", payload: {} }),
      );
    expect((await record(ws, mine.id)).created).toBe(true);
    expect((await record(other, theirs.id)).created).toBe(true);
  });
});
