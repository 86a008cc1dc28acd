import { randomUUID } from "node:crypto";
import { RetentionPolicy, StorageType } from "@nats-io/jetstream";
import { createRealtimeClient, type ResyncRequired } from "@spine/client";
import type { EnvelopeOf } from "@spine/contracts";
import { describe, expect } from "vitest";
import { gatewayTest } from "./test-support/fixtures.ts";
import type { GatewayHarness } from "./test-support/gateway-harness.ts";
import { TcpProxy } from "./test-support/tcp-proxy.ts";
import { TestSocket } from "./test-support/test-socket.ts";
import { waitUntil } from "./test-support/wait-until.ts";

const it = gatewayTest.extend("gateways", { scope: "file" }, ({ h }) => Promise.all([h.gateway({ instanceId: "a" }), h.gateway({ instanceId: "b" })]));

interface Seen {
  names: string[];
  cursors: string[];
}

async function memberClient(h: GatewayHarness, url: string) {
  const user = await h.seed.user("resumer");
  const ws = await h.seed.workspace(user.id);
  await h.seed.addMember(ws, user.id);
  const client = createRealtimeClient({ url, getToken: () => h.token(user.id), reconnectDelayMs: 50, reconnectDelayMaxMs: 200 });
  const seen: Seen = { names: [], cursors: [] };
  client.on("project.created", (env: EnvelopeOf<"project.created">, meta) => {
    seen.names.push(env.payload.name);
    seen.cursors.push(meta.cursor);
  });
  await waitUntil(() => client.connected, "connect");
  await client.subscribe(ws);
  return { user, ws, client, seen };
}

const names = (label: string, n: number) => Array.from({ length: n }, (_, i) => `${label}-${i}`);

function expectStrictlyIncreasing(cursors: string[]): void {
  for (let i = 1; i < cursors.length; i++) expect(BigInt(cursors[i] ?? "0") > BigInt(cursors[i - 1] ?? "0")).toBe(true);
}

describe("resume", () => {
  it("drop the connection, commit 100 events, reconnect: all 100 arrive in order, none twice", async ({ h, gateways: [gatewayA] }) => {
    const { ws, client, seen } = await memberClient(h, gatewayA.url);
    await h.publishProjects(ws, 5, "live");
    await waitUntil(() => seen.names.length === 5, "live events");

    client.disconnect();
    await waitUntil(() => !client.connected, "disconnect");
    await h.publishProjects(ws, 100, "missed");
    client.connect();

    await waitUntil(() => seen.names.length === 105, "the 100 missed events");
    await h.publishProjects(ws, 2, "after");
    await waitUntil(() => seen.names.length === 107, "live again");
    expect(seen.names).toEqual([...names("live", 5), ...names("missed", 100), ...names("after", 2)]);
    expectStrictlyIncreasing(seen.cursors);
    expect(gatewayA.metrics().replayed_deliveries).toBeGreaterThanOrEqual(100);
    client.close();
  });

  it("on the wire: a resubscribe with a cursor replays exactly the missed envelopes, then live ones", async ({ h, gateways: [gatewayA, gatewayB] }) => {
    const user = await h.seed.user("wire");
    const ws = await h.seed.workspace(user.id);
    await h.seed.addMember(ws, user.id);
    const first = await TestSocket.connected(gatewayA.url, await h.token(user.id));
    await first.subscribe(ws);
    await h.publishProjects(ws, 3, "seen");
    await waitUntil(() => first.events.length === 3, "seen events");
    const cursor = first.events[2]?.cursor ?? null;
    first.close();

    const missed = await h.publishProjects(ws, 100, "missed");
    const second = await TestSocket.connected(gatewayB.url, await h.token(user.id));
    // Live events published while the replay runs must come after it, once each.
    const [ack] = await Promise.all([second.subscribe(ws, cursor), h.publishProjects(ws, 20, "during")]);
    expect(ack).toEqual({ ok: true, workspace_id: ws, cursor });
    await waitUntil(() => second.events.length >= 120, "missed and concurrent events");
    const live = await h.publishProjects(ws, 2, "live");
    await waitUntil(() => second.events.length >= 122, "live events");
    const received = second.events.map((e) => e.message.payload.payload);
    expect(received.map((p) => (p as { name: string }).name)).toEqual([...names("missed", 100), ...names("during", 20), ...names("live", 2)]);
    expect(second.events.slice(0, 100).map((e) => e.cursor)).toEqual(missed.map((m) => String(m.seq)));
    expect(second.events.at(-1)?.cursor).toBe(String(live[1]?.seq));
    second.close();
  });

  it("an abrupt network drop while events keep coming loses none and repeats none", async ({ h, gateways: [gatewayA] }) => {
    const proxy = await TcpProxy.start(gatewayA.port);
    try {
      const { ws, client, seen } = await memberClient(h, proxy.url);
      const publishing = h.publishProjects(ws, 150, "burst");
      await waitUntil(() => seen.names.length >= 10, "some events");
      // Cut the TCP connection under the client; socket.io notices and reconnects by itself.
      expect(proxy.dropAll()).toBeGreaterThan(0);
      await waitUntil(() => !client.connected, "the drop noticed");
      await publishing;
      await waitUntil(() => seen.names.length === 150, "every burst event");
      expect(seen.names).toEqual(names("burst", 150));
      expectStrictlyIncreasing(seen.cursors);
      client.close();
    } finally {
      await proxy.close();
    }
  });

  it("resumes while events are still being published (file-backed stream, repeated)", async ({ h }) => {
    const file = await h.withStream("resumefile", { stream: { storage: StorageType.File } });
    try {
      const gateway = await file.gateway();
      const user = await file.seed.user("racer");
      const ws = await file.seed.workspace(user.id);
      await file.seed.addMember(ws, user.id);
      const client = createRealtimeClient({ url: gateway.url, getToken: () => file.token(user.id), reconnectDelayMs: 50 });
      const seen: string[] = [];
      client.on("project.created", (env) => seen.push(env.payload.name));
      await client.subscribe(ws);
      const expected: string[] = [];
      for (let round = 0; round < 3; round++) {
        client.disconnect();
        await waitUntil(() => !client.connected, "disconnect");
        await file.publishProjects(ws, 60, `r${round}-missed`);
        // Reconnect while a relay-like publisher keeps appending: the replay/live handoff races it.
        const trailing = (async () => {
          for (let i = 0; i < 30; i++) {
            await file.publish(ws, "project.created", { project_id: randomUUID(), name: `r${round}-trailing-${i}` });
            await new Promise((resolve) => setImmediate(resolve));
          }
        })();
        client.connect();
        await trailing;
        expected.push(...names(`r${round}-missed`, 60), ...names(`r${round}-trailing`, 30));
        await waitUntil(() => seen.length === expected.length, `round ${round} complete`);
      }
      expect(seen).toEqual(expected);
      client.close();
    } finally {
      await file.close();
    }
  });

  it("resumes on another gateway instance from the same cursor", async ({ h, gateways: [gatewayA, gatewayB] }) => {
    const { user, ws, client, seen } = await memberClient(h, gatewayA.url);
    await h.publishProjects(ws, 3, "on-a");
    await waitUntil(() => seen.names.length === 3, "events on a");
    const cursor = client.cursor(ws);
    client.close();
    await h.publishProjects(ws, 40, "gap");

    const onB = createRealtimeClient({ url: gatewayB.url, getToken: () => h.token(user.id), cursors: cursor ? { [ws]: cursor } : {} });
    const fromB: string[] = [];
    onB.on("project.created", (env) => fromB.push(env.payload.name));
    await onB.subscribe(ws);
    await h.publishProjects(ws, 2, "live-b");
    await waitUntil(() => fromB.length === 42, "gap and live on b");
    expect(fromB).toEqual([...names("gap", 40), ...names("live-b", 2)]);
    onB.close();
  });

  it("past the stream's history window the client is told to resync, never left with a hole", async ({ h }) => {
    const small = await h.withStream("window", { stream: { max_msgs: 20, retention: RetentionPolicy.Limits } });
    try {
      const gateway = await small.gateway();
      const user = await small.seed.user("late");
      const ws = await small.seed.workspace(user.id);
      await small.seed.addMember(ws, user.id);
      const client = createRealtimeClient({ url: gateway.url, getToken: () => small.token(user.id), reconnectDelayMs: 50 });
      const resyncs: ResyncRequired[] = [];
      const seen: string[] = [];
      client.onResyncRequired((r) => resyncs.push(r));
      client.on("project.created", (env) => seen.push(env.payload.name));
      await client.subscribe(ws);
      await small.publishProjects(ws, 2, "first");
      await waitUntil(() => seen.length === 2, "first events");

      client.disconnect();
      await waitUntil(() => !client.connected, "disconnect");
      await small.publishProjects(ws, 30, "aged");
      client.connect();
      await waitUntil(() => resyncs.length === 1, "resync_required");
      expect(resyncs[0]).toEqual({ workspaceId: ws, reason: "history_exhausted" });
      expect(seen).toEqual(names("first", 2));
      // The client subscribed afresh: live events flow again.
      await waitUntil(() => client.cursor(ws) !== null, "fresh subscription");
      await small.publishProjects(ws, 1, "fresh");
      await waitUntil(() => seen.length === 3, "live after resync");
      expect(seen[2]).toBe("fresh-0");
      client.close();
    } finally {
      await small.close();
    }
  });
});

