import { randomBytes, randomUUID } from "node:crypto";
import { AckPolicy, jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "@spine/bus";
import { startSpineNats } from "@spine/testing";
import { describe, expect } from "vitest";
import { gatewayTest } from "./test-support/fixtures.ts";
import { TestSocket } from "./test-support/test-socket.ts";
import { waitUntil } from "./test-support/wait-until.ts";

// The gateway under least privilege: infra/nats's `gateway` user reads EVENTS_GATEWAY, the mirror of
// EVENTS, and may create and delete consumers there only.
const it = gatewayTest
  // eslint-disable-next-line no-empty-pattern
  .extend("spineNats", { scope: "file" }, async ({}, { onCleanup }) => {
    const nats = await startSpineNats();
    onCleanup(() => nats.dispose());
    return nats;
  })
  .override("natsUrl", { scope: "file" }, ({ spineNats }) => spineNats.server.url)
  // The harness makes the streams and publishes, so it connects as `operator`.
  .override("natsAuth", { scope: "file" }, ({ spineNats }) => ({ user: "operator", pass: spineNats.passwords.operator }))
  .override("streamOptions", { scope: "file" }, { prefix: "evt", streamName: "EVENTS", mirror: "EVENTS_GATEWAY" })
  .override("gatewayOptions", { scope: "file" }, ({ spineNats }) => ({ natsUser: "gateway", natsPassword: spineNats.passwords.gateway }));

describe("gateway NATS permissions", () => {
  it("tails, replays and resumes with only the gateway user's rights", async ({ h, gateway }) => {
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
    for (const c of await h.jsm.consumers.list(h.readStream).next()) await h.jsm.consumers.delete(h.readStream, c.name);
    const during = await h.publishProjects(ws, 3, "during");
    await waitUntil(() => Number(gateway.metrics().tail_restarts) > restarts, "the tail restarted", 30_000);
    await waitUntil(() => second.events.length === 9, "events across the restart", 30_000);
    expect(second.idsOf().slice(6)).toEqual(during.map((m) => m.envelope.event_id));
    second.close();
  });

  it("the gateway user may not purge, delete, edit or add streams, nor delete messages", async ({ h, gateway, spineNats }) => {
    const user = await h.seed.user("guard");
    const ws = await h.seed.workspace(user.id);
    await h.seed.addMember(ws, user.id);
    await h.publishProjects(ws, 3, "kept");
    const before = (await h.jsm.streams.info(h.stream)).state;
    expect(before.messages).toBeGreaterThanOrEqual(3);

    const nc = await connectNats({ servers: spineNats.server.url, name: "gateway-intruder", user: "gateway", pass: spineNats.passwords.gateway });
    try {
      const jsm = await jetstreamManager(nc, { timeout: 2_000 });
      // What the gateway needs still answers…
      await waitUntil(async () => (await jsm.streams.info(h.readStream)).state.last_seq === before.last_seq, "the mirror to catch up");
      // …what it must never do is refused.
      for (const stream of [h.stream, h.readStream]) {
        await expect(jsm.streams.purge(stream)).rejects.toThrow();
        await expect(jsm.streams.delete(stream)).rejects.toThrow();
        await expect(jsm.streams.deleteMessage(stream, before.first_seq)).rejects.toThrow();
        await expect(jsm.streams.update(stream, { max_msgs: 1 })).rejects.toThrow();
      }
      // Nor read EVENTS itself, where the worker's and the tools' durable consumers live.
      await expect(jsm.streams.info(h.stream)).rejects.toThrow();
      await expect(jsm.consumers.add(h.stream, { ack_policy: AckPolicy.None })).rejects.toThrow();
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
