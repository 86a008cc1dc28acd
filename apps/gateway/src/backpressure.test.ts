import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { sampleValue, scrapeMetrics } from "@spine/metrics";
import { describe, expect } from "vitest";
import { gatewayTest } from "./test-support/fixtures.ts";
import { TestSocket } from "./test-support/test-socket.ts";
import { waitUntil } from "./test-support/wait-until.ts";

import type { GatewayHarness } from "./test-support/gateway-harness.ts";

const limits = { maxQueue: 40, maxBufferedBytes: 1024 * 1024 };
const it = gatewayTest.override("gatewayOptions", { scope: "file" }, { limits, admin: { port: 0 } });
/** What the stalled socket's transport may hold at the cut-off: its packets, the resync message, and one in the TCP socket's flush. */
const HELD_AT_CUTOFF = limits.maxQueue + 2;

/**
 * Publish projects in rounds of 100 until `done` (a stalled client's kernel buffers take a few hundred
 * kilobytes before the gateway's side backs up): every envelope published, in order.
 */
async function publishUntil(h: GatewayHarness, ws: string, done: () => boolean, label: string) {
  const published: Awaited<ReturnType<GatewayHarness["publishProjects"]>> = [];
  // Long names: fewer envelopes fill the same buffers.
  const pad = "x".repeat(150);
  while (!done()) {
    if (published.length >= 20_000) throw new Error(`${label}: no cut-off after ${published.length} envelopes`);
    published.push(...(await h.publishProjects(ws, 100, `${label}-${published.length}-${pad}`)));
  }
  return published;
}

describe("backpressure", () => {
  it("a stalled client neither delays the others nor grows the gateway's buffers; it resumes later without a hole", async ({ h, gateway }) => {
    const users = await Promise.all([h.seed.user("fast1"), h.seed.user("fast2"), h.seed.user("stalled")]);
    const ws = await h.seed.workspace(users[0].id);
    for (const u of users) await h.seed.addMember(ws, u.id);
    const fast = await Promise.all([
      TestSocket.connected(gateway.url, await h.token(users[0].id)),
      TestSocket.connected(gateway.url, await h.token(users[1].id)),
    ]);
    const stalled = await TestSocket.connected(gateway.url, await h.token(users[2].id));
    for (const s of [...fast, stalled]) expect(await s.subscribe(ws)).toMatchObject({ ok: true });
    // From the gateway's side, a client that stopped reading: its TCP socket backs up.
    stalled.stopReading();

    const published = await publishUntil(h, ws, () => gateway.metrics().slow_client_cutoffs === 1, "load");
    await waitUntil(() => fast.every((s) => s.events.length === published.length), "every event at the fast clients");
    for (const s of fast) expect(s.idsOf()).toEqual(published.map((p) => p.envelope.event_id));
    const metrics = gateway.metrics();
    expect(metrics.drops).toBeGreaterThan(0);
    expect(metrics.resync_required).toBe(1);
    expect(metrics.slow_client_cutoffs).toBe(1);
    // Memory stays bounded: what the stalled socket's transport holds is capped, and nothing is added after the cut-off.
    const held = gateway.metrics().buffered_packets as number;
    expect(held).toBeGreaterThanOrEqual(limits.maxQueue);
    expect(held).toBeLessThanOrEqual(HELD_AT_CUTOFF);
    // The same counters on the admin port, in the Prometheus format.
    const scraped = await scrapeMetrics(gateway.adminUrl ?? "");
    expect(sampleValue(scraped, "spine_gateway_slow_client_cutoffs_total", { app: "gateway" })).toBe(1);
    expect(sampleValue(scraped, "spine_gateway_resyncs_total")).toBe(1);
    expect(sampleValue(scraped, "spine_gateway_dropped_envelopes_total")).toBe(metrics.drops);
    expect(sampleValue(scraped, "spine_gateway_connections")).toBe(3);
    expect(sampleValue(scraped, "spine_gateway_buffered_packets")).toBe(held);

    // More traffic: nothing more is queued for the stalled socket.
    const more = await h.publishProjects(ws, 50, "more");
    await waitUntil(() => fast.every((s) => s.events.length === published.length + 50), "the extra events at the fast clients");
    expect(gateway.metrics().buffered_packets).toBe(held);

    // It reads again: what was sent before the cut-off, in order, then resync_required; it resumes from its own cursor.
    stalled.resumeReading();
    await waitUntil(() => stalled.resyncs.length === 1, "resync_required at the stalled client");
    expect(stalled.resyncs[0]?.payload).toMatchObject({ workspace_id: ws, reason: "client_too_slow" });
    const all = [...published, ...more].map((p) => p.envelope.event_id);
    const before = stalled.events.length;
    expect(before).toBeGreaterThan(0);
    expect(stalled.idsOf()).toEqual(all.slice(0, before));
    expect(await stalled.subscribe(ws, stalled.events.at(-1)?.cursor ?? null)).toMatchObject({ ok: true });
    await waitUntil(() => stalled.events.length === all.length, "the rest, replayed");
    expect(stalled.idsOf()).toEqual(all);
    // Each event names its predecessor in the workspace: the client can tell there was no hole.
    for (let i = 1; i < stalled.events.length; i++) expect(stalled.events[i]?.message.prev).toBe(stalled.events[i - 1]?.cursor);
    for (const s of [...fast, stalled]) s.close();
    await waitUntil(() => gateway.metrics().connections_open === 0, "sockets closed");
    expect(gateway.metrics()).toMatchObject({ buffered_packets: 0, buffered_bytes: 0, subscriptions_active: 0 });
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

      const published = await publishUntil(h, ws, () => gateway.metrics().resync_required === resyncsBefore + 1, "frozen");
      await waitUntil(() => awake.events.length === published.length, "every event at the awake client");
      expect(awake.idsOf()).toEqual(published.map((p) => p.envelope.event_id));
      expect(gateway.metrics().buffered_packets).toBeLessThanOrEqual(HELD_AT_CUTOFF);
    } finally {
      frozen.kill("SIGCONT");
      frozen.kill("SIGKILL");
      awake.close();
    }
  });
});
