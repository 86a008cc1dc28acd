import { randomUUID } from "node:crypto";
import { SOCKET_PROTOCOL_VERSION, parseEnvelope } from "@spine/contracts";
import { sampleValue, scrapeMetrics } from "@spine/metrics";
import { describe, expect } from "vitest";
import { gatewayTest } from "./test-support/fixtures.ts";
import { TestSocket } from "./test-support/test-socket.ts";
import { waitUntil } from "./test-support/wait-until.ts";

const it = gatewayTest.override("gatewayOptions", { scope: "file" }, { admin: { port: 0 } });

describe("delivery", () => {
  it("delivers a published envelope to a subscribed member as a valid, typed event message", async ({ h, gateway }) => {
    const user = await h.seed.user("alice");
    const ws = await h.seed.workspace(user.id);
    await h.seed.addMember(ws, user.id);
    const client = await TestSocket.connected(gateway.url, await h.token(user.id));

    const ack = await client.subscribe(ws);
    expect(ack).toMatchObject({ ok: true, workspace_id: ws });

    const correlationId = `req-${randomUUID()}`;
    const projectId = randomUUID();
    const published = await h.publish(ws, "project.created", { project_id: projectId, name: "Roadmap" }, { correlationId, actorId: user.id });
    await waitUntil(() => client.events.length === 1, "the event");

    const [received] = client.events;
    // The first envelope this workspace's room carries names no predecessor; the next names this one.
    expect(received?.message).toMatchObject({ version: SOCKET_PROTOCOL_VERSION, type: "event", cursor: String(published.seq), prev: null });
    const envelope = parseEnvelope(received?.message.payload);
    expect(envelope).toEqual(published.envelope);
    expect(envelope).toMatchObject({
      event_type: "project.created",
      workspace_id: ws,
      actor_id: user.id,
      correlation_id: correlationId,
      payload: { project_id: projectId, name: "Roadmap" },
      version: 1,
    });
    const next = await h.publish(ws, "project.created", { project_id: randomUUID(), name: "Next" });
    await waitUntil(() => client.events.length === 2, "the second event");
    expect(client.events[1]?.message).toMatchObject({ cursor: String(next.seq), prev: String(published.seq) });
    client.close();
  });

  it("skips envelopes that break their contract and keeps delivering the valid ones", async ({ h, gateway }) => {
    const user = await h.seed.user("bob");
    const ws = await h.seed.workspace(user.id);
    await h.seed.addMember(ws, user.id);
    const client = await TestSocket.connected(gateway.url, await h.token(user.id));
    await client.subscribe(ws);

    await h.js.publish(`${h.prefix}.${ws}.project.created`, JSON.stringify({ event_type: "project.created", workspace_id: ws, payload: {} }));
    await h.js.publish(`${h.prefix}.${ws}.project.created`, "not json");
    const good = await h.publish(ws, "project.created", { project_id: randomUUID(), name: "after the bad ones" });
    await waitUntil(() => client.events.length === 1, "the valid event");
    expect(client.events.map((e) => e.message.payload.event_id)).toEqual([good.envelope.event_id]);
    expect(gateway.metrics()).toMatchObject({ envelopes_invalid: 2 });
    client.close();
  });

  it("serves health and readiness, and metrics on its admin port only", async ({ gateway }) => {
    const healthz = await fetch(`${gateway.url}/healthz`);
    expect(healthz.status).toBe(200);
    const readyz = await fetch(`${gateway.url}/readyz`);
    expect(readyz.status).toBe(200);
    expect(await readyz.json()).toMatchObject({ ready: true, checks: { stream_tail: true, nats: true, database: true } });
    const metrics = await scrapeMetrics(gateway.adminUrl ?? "");
    expect(sampleValue(metrics, "spine_gateway_connections_total", { app: "gateway" })).toBe(2);
    expect(sampleValue(metrics, "spine_gateway_deliveries_total")).toBeGreaterThanOrEqual(2);
    expect((await fetch(`${gateway.adminUrl ?? ""}/readyz`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/nope`)).status).toBe(404);
  });
});
