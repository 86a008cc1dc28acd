import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectIntegration } from "@spine/domain";
import { signWebhook } from "@spine/webhooks";
import { startHarness, type Harness } from "./test-support/api-harness.ts";

let h: Harness;
let workspaceId: string;
let integrationId: string;
const secret = `whsec_${randomBytes(24).toString("base64")}`;

beforeAll(async () => {
  h = await startHarness("webhooks", { maxWebhookBodyBytes: 4096 });
  const owner = await h.signUp("hook-owner");
  ({ workspace: { id: workspaceId } } = await owner.client.workspace.create.mutate({ name: "Hooks" }));
  const view = await h.api.domain.run({ workspaceId, actorId: owner.userId, actorType: "user", correlationId: "setup" }, (op) =>
    connectIntegration(op, { provider: "standard-webhooks", name: "billing", credentials: { apiKey: "sk_live_x" }, webhookSecret: secret }),
  );
  integrationId = view.id;
});
afterAll(async () => h?.close());

describe("POST /webhooks/:workspace/:integration on the API host", () => {
  it("verifies, stores once, and carries the request's correlation id into the envelope", async () => {
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

  it("answers 401 to a forged signature and 413 to an oversize body, storing nothing", async () => {
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
