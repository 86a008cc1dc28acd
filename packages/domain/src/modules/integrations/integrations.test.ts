import { describe, expect } from "vitest";
import type { Domain } from "../../runtime/domain.ts";
import { dbTest } from "../../test-support/fixtures.ts";
import { parseEnvelope } from "@spine/contracts";
import { outboxTypesOf } from "../../test-support/audit-rows.ts";
import { seedWorkspace, userCtx, type SeededWorkspace } from "../../test-support/test-domain.ts";
import { connectIntegration } from "./connect-integration.ts";
import { disconnectIntegration } from "./disconnect-integration.ts";
import { findIntegration } from "./find-integration.ts";
import { openCredentials, openWebhookSecrets } from "./integration-secrets.ts";
import { recordIntegrationEvent } from "./record-integration-event.ts";
import { recordSyncFailure } from "./record-sync-failure.ts";
import { updateIntegration } from "./update-integration.ts";

const test = dbTest
  .extend("ws", { scope: "file" }, async ({ domain }) => seedWorkspace(domain, "integ"))
  .extend("other", { scope: "file" }, async ({ domain }) => seedWorkspace(domain, "integ-other"));

const connect = (domain: Domain, ws: SeededWorkspace, name: string, w = ws) =>
  domain.run(userCtx(w.workspaceId, w.userId), (op) =>
    connectIntegration(op, { provider: "github", name, config: { org: "acme" }, credentials: { token: "tok-SECRET" }, webhookSecret: "whsec-SECRET" }),
  );

describe("integrations", () => {
  test("connect stores the credentials but never returns them", async ({ domain, ownerSql, ws }) => {
    const view = await connect(domain, ws, "main");
    expect(JSON.stringify(view)).not.toMatch(/SECRET/);
    expect(view).toMatchObject({ provider: "github", hasCredentials: true, hasWebhookSecret: true, connectedBy: ws.userId, status: "connected" });
    const { rows } = await ownerSql.query<{ credentials: Record<string, string>; webhook_secret: string }>("select credentials, webhook_secret from integrations where id = $1", [view.id]);
    expect(JSON.stringify(rows[0])).not.toMatch(/SECRET/);
    expect(rows[0]!.credentials.$sealed).toMatch(/^spine:v1:/);
    expect(rows[0]!.webhook_secret).toMatch(/^spine:v1:/);
    const opened = await domain.run(userCtx(ws.workspaceId, ws.userId), async (op) => {
      const integration = await findIntegration(op, view.id);
      return { credentials: openCredentials(op, integration), secrets: openWebhookSecrets(op, integration) };
    });
    expect(opened).toEqual({ credentials: { token: "tok-SECRET" }, secrets: ["whsec-SECRET"] });
  });

  test("a second live integration with the same provider and name conflicts", async ({ domain, ws }) => {
    await connect(domain, ws, "dup");
    await expect(connect(domain, ws, "dup")).rejects.toMatchObject({ code: "CONFLICT" });
  });

  test("update announces the changed field names, never their values", async ({ domain, ownerSql, ws }) => {
    const view = await connect(domain, ws, "rotate");
    const corr = `rot-${view.id}`;
    const updated = await domain.run(userCtx(ws.workspaceId, ws.userId, corr), (op) =>
      updateIntegration(op, { integrationId: view.id, credentials: { token: "tok2-SECRET" }, name: "rotated" }),
    );
    expect(updated.name).toBe("rotated");
    const { rows } = await ownerSql.query("select envelope from outbox where envelope->>'correlation_id' = $1", [corr]);
    const env = parseEnvelope((rows[0] as { envelope: unknown }).envelope);
    expect(env).toMatchObject({ event_type: "integration.updated", payload: { changed_fields: ["name", "credentials"] } });
    expect(JSON.stringify(rows)).not.toMatch(/SECRET/);
  });

  test("disconnect soft-deletes: the integration is gone from reads and refuses new webhook events", async ({ domain, ws }) => {
    const view = await connect(domain, ws, "gone");
    await domain.run(userCtx(ws.workspaceId, ws.userId), (op) => disconnectIntegration(op, view.id));
    await expect(domain.run(userCtx(ws.workspaceId, ws.userId), (op) => findIntegration(op, view.id))).rejects.toMatchObject({ code: "NOT_FOUND" });
    const record = domain.run(userCtx(ws.workspaceId, ws.userId), (op) =>
      recordIntegrationEvent(op, { integrationId: view.id, sourceEventId: "x", eventType: "push", payload: {} }),
    );
    await expect(record).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("a sync failure marks the integration and announces integration.sync_failed", async ({ domain, ownerSql, ws }) => {
    const view = await connect(domain, ws, "flaky");
    const corr = `sync-${view.id}`;
    await domain.run(userCtx(ws.workspaceId, ws.userId, corr), (op) => recordSyncFailure(op, { integrationId: view.id, error: "timeout", attempt: 3 }));
    expect(await outboxTypesOf(ownerSql, corr)).toEqual(["integration.sync_failed"]);
    const { rows } = await ownerSql.query("select status from integrations where id = $1", [view.id]);
    expect(rows[0]).toEqual({ status: "error" });
  });
});

describe("inbound webhook events", () => {
  test("are stored once per (source = the integration, source_event_id); only the first announces webhook.received", async ({ domain, ownerSql, ws }) => {
    const view = await connect(domain, ws, "hooks");
    const input = { integrationId: view.id, sourceEventId: "delivery-1", eventType: "push", payload: { ref: "main" } };
    const results = [];
    const correlations: string[] = [];
    for (let i = 0; i < 3; i++) {
      const corr = `hook-${view.id}-${i}`;
      correlations.push(corr);
      results.push(await domain.run(userCtx(ws.workspaceId, ws.userId, corr), (op) => recordIntegrationEvent(op, input)));
    }
    expect(results.map((r) => r.created)).toEqual([true, false, false]);
    expect(new Set(results.map((r) => r.integrationEventId)).size).toBe(1);
    const types = await Promise.all(correlations.map((c) => outboxTypesOf(ownerSql, c)));
    expect(types).toEqual([["webhook.received"], [], []]);
    const { rows } = await ownerSql.query("select count(*)::int as n from integration_events where source_event_id = 'delivery-1'");
    expect(rows[0]).toEqual({ n: 1 });
  });

  test("concurrent deliveries of the same event store it once", async ({ domain, ws }) => {
    const view = await connect(domain, ws, "race");
    const input = { integrationId: view.id, sourceEventId: "delivery-race", eventType: "push", payload: {} };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => domain.run(userCtx(ws.workspaceId, ws.userId), (op) => recordIntegrationEvent(op, input))),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  test("the same source event id in another workspace is a different event", async ({ domain, ws, other }) => {
    const mine = await connect(domain, ws, "shared-a");
    const theirs = await connect(domain, ws, "shared-b", other);
    const record = (w: SeededWorkspace, integrationId: string) =>
      domain.run(userCtx(w.workspaceId, w.userId), (op) =>
        recordIntegrationEvent(op, { integrationId, sourceEventId: "evt_same", eventType: "invoice.paid", payload: {} }),
      );
    expect((await record(ws, mine.id)).created).toBe(true);
    expect((await record(other, theirs.id)).created).toBe(true);
  });
});
