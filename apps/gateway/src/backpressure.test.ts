import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { sampleValue, scrapeMetrics } from "@spine/metrics";
import { describe, expect } from "vitest";
import { gatewayTest } from "./test-support/fixtures.ts";
import { TestSocket } from "./test-support/test-socket.ts";
import { waitUntil } from "./test-support/wait-until.ts";

const limits = { maxQueue: 40, maxInFlight: 8 };
const it = gatewayTest.override("gatewayOptions", { scope: "file" }, { limits, admin: { port: 0 } });

describe("backpressure", () => {
  it("a stalled client neither delays the others nor grows the gateway's buffers; it resumes later without a hole", async ({ h, gateway }) => {
    const users = await Promise.all([h.seed.user("fast1"), h.seed.user("fast2"), h.seed.user("stalled")]);
    const ws = await h.seed.workspace(users[0].id);
    for (const u of users) await h.seed.addMember(ws, u.id);
    const fast = await Promise.all([
      TestSocket.connected(gateway.url, await h.token(users[0].id)),
      TestSocket.connected(gateway.url, await h.token(users[1].id)),
    ]);
    // Receives but never acknowledges: from the gateway's side, a client that stopped reading.
    const stalled = await TestSocket.connected(gateway.url, await h.token(users[2].id), { ackEvents: false });
    for (const s of [...fast, stalled]) expect(await s.subscribe(ws)).toMatchObject({ ok: true });

    const total = 300;
    const published = await h.publishProjects(ws, total, "load");
    await waitUntil(() => fast.every((s) => s.events.length === total), "every event at the fast clients");
    for (const s of fast) expect(s.idsOf()).toEqual(published.map((p) => p.envelope.event_id));

    await waitUntil(() => stalled.resyncs.length === 1, "resync_required at the stalled client");
    expect(stalled.resyncs[0]?.payload).toMatchObject({ workspace_id: ws, reason: "client_too_slow" });
    // It got its in-flight window and nothing after the overflow.
    expect(stalled.events.length).toBe(limits.maxInFlight);
    const metrics = gateway.metrics();
    expect(metrics.drops).toBeGreaterThan(0);
    expect(metrics.resync_required).toBe(1);
    expect(metrics.slow_client_cutoffs).toBe(1);
    // The same counters on the admin port, in the Prometheus format.
    const scraped = await scrapeMetrics(gateway.adminUrl ?? "");
    expect(sampleValue(scraped, "spine_gateway_slow_client_cutoffs_total", { app: "gateway" })).toBe(1);
    expect(sampleValue(scraped, "spine_gateway_resyncs_total")).toBe(1);
    expect(sampleValue(scraped, "spine_gateway_dropped_envelopes_total")).toBe(metrics.drops);
    expect(sampleValue(scraped, "spine_gateway_connections")).toBe(3);
    // Memory stays bounded: once the fast clients' last acks land, only the stalled socket's window is held.
    await waitUntil(() => gateway.metrics().in_flight_events === limits.maxInFlight, "only the stalled window in flight");
    expect(gateway.metrics().buffered_events).toBe(0);

    // More traffic: nothing more reaches the stalled socket until it resumes.
    await h.publishProjects(ws, 20, "more");
    await waitUntil(() => fast.every((s) => s.events.length === total + 20), "the extra events at the fast clients");
    expect(stalled.events.length).toBe(limits.maxInFlight);

    // It recovers: resume from the last cursor it processed, now acknowledging.
    const resumed = await TestSocket.connected(gateway.url, await h.token(users[2].id));
    const lastProcessed = stalled.events.at(-1)?.cursor ?? null;
    stalled.close();
    expect(await resumed.subscribe(ws, lastProcessed)).toMatchObject({ ok: true });
    await waitUntil(() => resumed.events.length === total + 20 - limits.maxInFlight, "the rest, replayed");
    const all = [...stalled.events, ...resumed.events].map((e) => e.message.payload.event_id);
    expect(all).toEqual(fast[0]?.idsOf());
    for (const s of fast) s.close();
    resumed.close();
    await waitUntil(() => gateway.metrics().connections_open === 0, "sockets closed");
    expect(gateway.metrics()).toMatchObject({ buffered_events: 0, in_flight_events: 0, subscriptions_active: 0 });
  });

  it("a replay larger than the buffer is paced to the client instead of overflowing it", async ({ h, gateway }) => {
    const user = await h.seed.user("replayer");
    const ws = await h.seed.workspace(user.id);
    await h.seed.addMember(ws, user.id);
    const first = await TestSocket.connected(gateway.url, await h.token(user.id));
    const ack = (await first.subscribe(ws)) as { cursor: string };
    first.close();
    const published = await h.publishProjects(ws, 200, "backlog");
    const before = gateway.metrics().resync_required;
    const s = await TestSocket.connected(gateway.url, await h.token(user.id));
    await s.subscribe(ws, ack.cursor);
    await waitUntil(() => s.events.length === 200, "the whole backlog");
    expect(s.idsOf()).toEqual(published.map((p) => p.envelope.event_id));
    expect(gateway.metrics().resync_required).toBe(before);
    const marker = await h.publish(ws, "project.created", { project_id: randomUUID(), name: "live" });
    await waitUntil(() => s.events.length === 201, "live after the replay");
    expect(s.events.at(-1)?.message.payload.event_id).toBe(marker.envelope.event_id);
    s.close();
  });

  it("a client process frozen mid-stream (SIGSTOP) is cut loose while the others keep receiving", async ({ h, gateway }) => {
    const users = await Promise.all([h.seed.user("awake"), h.seed.user("frozen")]);
    const ws = await h.seed.workspace(users[0].id);
    for (const u of users) await h.seed.addMember(ws, u.id);
    const awake = await TestSocket.connected(gateway.url, await h.token(users[0].id));
    await awake.subscribe(ws);
    const frozen = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./test-support/stall-client.ts", import.meta.url)), gateway.url, await h.token(users[1].id), ws], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      let out = "";
      frozen.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      await waitUntil(() => out.includes("subscribed"), "the child client subscribed");
      const resyncsBefore = gateway.metrics().resync_required as number;
      frozen.kill("SIGSTOP");

      const published = await h.publishProjects(ws, 200, "frozen");
      await waitUntil(() => awake.events.length === 200, "every event at the awake client");
      expect(awake.idsOf()).toEqual(published.map((p) => p.envelope.event_id));
      await waitUntil(() => gateway.metrics().resync_required === resyncsBefore + 1, "the frozen client told to resync");
      expect(gateway.metrics().buffered_events).toBe(0);
    } finally {
      frozen.kill("SIGCONT");
      frozen.kill("SIGKILL");
      awake.close();
    }
  });
});
