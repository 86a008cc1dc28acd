import { randomUUID } from "node:crypto";
import { StorageType } from "@nats-io/jetstream";
import { ensureStream, eventsStreamConfig } from "@spine/bus";
import { describe, expect } from "vitest";
import type { Gateway } from "./gateway.ts";
import type { GatewayHarness } from "./test-support/gateway-harness.ts";
import { gatewayTest } from "./test-support/fixtures.ts";
import { TestSocket } from "./test-support/test-socket.ts";
import { waitUntil } from "./test-support/wait-until.ts";

// The live tail's read ends under it (consumer deleted, stream recreated): it must start again
// right after its position, or tell subscribers to resync — never stop delivering silently.
const it = gatewayTest.override("gatewayOptions", { scope: "file" }, { instanceId: "tail" });

async function memberSocket(h: GatewayHarness, gateway: Gateway, label: string) {
  const user = await h.seed.user(label);
  const ws = await h.seed.workspace(user.id);
  await h.seed.addMember(ws, user.id);
  const s = await TestSocket.connected(gateway.url, await h.token(user.id));
  expect(await s.subscribe(ws)).toMatchObject({ ok: true });
  return { user, ws, s };
}

const gatewayConsumers = async (h: GatewayHarness) => (await h.jsm.consumers.list(h.stream).next()).map((c) => c.name);
const restarts = (gateway: Gateway) => Number(gateway.metrics().tail_restarts);
const ids = (xs: { envelope: { event_id: string } }[]) => xs.map((x) => x.envelope.event_id);

describe("live tail recovery", () => {
  it("its consumer deleted: the tail restarts after its position and every envelope arrives, in order", async ({ h, gateway }) => {
    const { ws, s } = await memberSocket(h, gateway, "tailed");
    const before = await h.publishProjects(ws, 3, "before");
    await waitUntil(() => s.events.length === 3, "events before");
    const restartsBefore = restarts(gateway);

    const consumers = await gatewayConsumers(h);
    expect(consumers.length).toBe(1);
    for (const name of consumers) await h.jsm.consumers.delete(h.stream, name);
    // Published while the tail is lost or restarting: none may be skipped.
    const during = await h.publishProjects(ws, 5, "during");
    await waitUntil(() => restarts(gateway) > restartsBefore, "the tail restarted", 30_000);
    const after = await h.publishProjects(ws, 2, "after");

    await waitUntil(() => s.events.length === 10, "every envelope after the loss", 30_000);
    expect(s.idsOf(ws)).toEqual([...ids(before), ...ids(during), ...ids(after)]);
    expect(s.resyncs).toEqual([]);
    await waitUntil(async () => (await fetch(`${gateway.url}/readyz`)).status === 200, "ready again");
    s.close();
  });

  it("the stream recreated under it: subscribers get resync_required, and live delivery goes on for a new subscription", async ({ h, gateway }) => {
    const { ws, s } = await memberSocket(h, gateway, "recreated");
    await h.publishProjects(ws, 2, "old");
    await waitUntil(() => s.events.length === 2, "events on the old stream");

    await h.jsm.streams.delete(h.stream);
    await ensureStream(h.jsm, { ...eventsStreamConfig({ name: h.stream, prefix: h.prefix }), storage: StorageType.Memory });
    await waitUntil(() => s.resyncs.length === 1, "resync_required after the stream was recreated", 30_000);
    expect(s.resyncs[0]?.payload).toMatchObject({ workspace_id: ws, reason: "cursor_unknown" });

    // A fresh subscription (what a client does on cursor_unknown) receives the new stream live.
    expect(await s.subscribe(ws)).toMatchObject({ ok: true });
    const fresh = await h.publish(ws, "project.created", { project_id: randomUUID(), name: "new stream" });
    await waitUntil(() => s.idsOf(ws).includes(fresh.envelope.event_id), "live delivery on the new stream", 30_000);
    s.close();
  });
});
