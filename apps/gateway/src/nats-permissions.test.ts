import { randomBytes, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "@spine/bus";
import { startNatsServer, type NatsServerProcess } from "@spine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "./gateway.ts";
import { GatewayHarness } from "./test/gateway-harness.ts";
import { TestSocket } from "./test/test-socket.ts";
import { waitUntil } from "./test/wait-until.ts";

// The gateway under least privilege: infra/nats/nats-server.conf's `gateway` user (JetStream API only).
const CONFIG = fileURLToPath(new URL("../../../infra/nats/nats-server.conf", import.meta.url));
const secret = () => `p${randomBytes(12).toString("hex")}`;
const passwords = { worker: secret(), gateway: secret(), tools: secret() };
let nats: NatsServerProcess;
let h: GatewayHarness;
let gateway: Gateway;

beforeAll(async () => {
  nats = await startNatsServer({
    configFile: CONFIG,
    env: { SPINE_NATS_WORKER_PASSWORD: passwords.worker, SPINE_NATS_GATEWAY_PASSWORD: passwords.gateway, SPINE_NATS_TOOLS_PASSWORD: passwords.tools, SPINE_NATS_API_PASSWORD: passwords.tools },
  });
  // The harness publishes as the relay would, so it connects as `worker` (the only user allowed on evt.>).
  h = await GatewayHarness.start("gwperm", { natsUrl: nats.url, prefix: "evt", natsAuth: { user: "worker", pass: passwords.worker } });
  gateway = await h.gateway({ natsUser: "gateway", natsPassword: passwords.gateway });
});
afterAll(async () => {
  await h.close();
  await nats.dispose();
});

describe("gateway NATS permissions", () => {
  it("tails, replays and resumes with only the gateway user's rights", async () => {
    const user = await h.seed.user("least");
    const ws = await h.seed.workspace(user.id);
    await h.seed.addMember(ws, user.id);
    const first = await TestSocket.connected(gateway.url, await h.token(user.id));
    await first.subscribe(ws);
    await h.publishProjects(ws, 2, "live");
    await waitUntil(() => first.events.length === 2, "live events");
    const cursor = first.events[1]?.cursor ?? null;
    first.close();

    const missed = await h.publishProjects(ws, 5, "missed");
    const second = await TestSocket.connected(gateway.url, await h.token(user.id));
    expect(await second.subscribe(ws, cursor)).toMatchObject({ ok: true });
    await waitUntil(() => second.events.length === 5, "replayed events");
    expect(second.idsOf()).toEqual(missed.map((m) => m.envelope.event_id));
    const marker = await h.publish(ws, "project.created", { project_id: randomUUID(), name: "live again" });
    await waitUntil(() => second.events.length === 6, "live after the replay");
    expect(second.idsOf().at(-1)).toBe(marker.envelope.event_id);
    expect(gateway.metrics().resync_required).toBe(0);

    // Its live consumer lost: the tail restarts with the same rights and misses nothing.
    const restarts = Number(gateway.metrics().tail_restarts);
    for (const c of await h.jsm.consumers.list(h.stream).next()) await h.jsm.consumers.delete(h.stream, c.name);
    const during = await h.publishProjects(ws, 3, "during");
    await waitUntil(() => Number(gateway.metrics().tail_restarts) > restarts, "the tail restarted", 30_000);
    await waitUntil(() => second.events.length === 9, "events across the restart", 30_000);
    expect(second.idsOf().slice(6)).toEqual(during.map((m) => m.envelope.event_id));
    second.close();
  });

  it("the gateway user may not purge, delete, edit or add streams, nor delete messages", async () => {
    const user = await h.seed.user("guard");
    const ws = await h.seed.workspace(user.id);
    await h.seed.addMember(ws, user.id);
    await h.publishProjects(ws, 3, "kept");
    const before = (await h.jsm.streams.info(h.stream)).state;
    expect(before.messages).toBeGreaterThanOrEqual(3);

    const nc = await connectNats({ servers: nats.url, name: "gateway-intruder", user: "gateway", pass: passwords.gateway });
    try {
      const jsm = await jetstreamManager(nc, { timeout: 2_000 });
      // What the gateway needs still answers…
      expect((await jsm.streams.info(h.stream)).state.last_seq).toBe(before.last_seq);
      // …what it must never do is refused.
      await expect(jsm.streams.purge(h.stream)).rejects.toThrow();
      await expect(jsm.streams.delete(h.stream)).rejects.toThrow();
      await expect(jsm.streams.deleteMessage(h.stream, before.first_seq)).rejects.toThrow();
      await expect(jsm.streams.update(h.stream, { max_msgs: 1 })).rejects.toThrow();
      await expect(jsm.streams.add({ name: `X${randomBytes(4).toString("hex")}`, subjects: ["intruder.>"] })).rejects.toThrow();
    } finally {
      await nc.close();
    }
    const after = (await h.jsm.streams.info(h.stream)).state;
    expect(after).toMatchObject({ messages: before.messages, first_seq: before.first_seq, last_seq: before.last_seq });

    // And the gateway still serves after the attempts.
    const s = await TestSocket.connected(gateway.url, await h.token(user.id));
    expect(await s.subscribe(ws, String(before.first_seq - 1))).toMatchObject({ ok: true });
    await waitUntil(() => s.idsOf(ws).length === 3, "replay as the gateway user");
    s.close();
  });
});
