import { randomUUID } from "node:crypto";
import { SOCKET_PROTOCOL_VERSION } from "@spine/contracts";
import { describe, expect } from "vitest";
import { gatewayTest as it } from "./test-support/fixtures.ts";
import { TestSocket } from "./test-support/test-socket.ts";
import { waitUntil } from "./test-support/wait-until.ts";

describe("tenant isolation", () => {
  it("a member of B receives nothing of A, whatever it asks for", async ({ h, gateway }) => {
    const alice = await h.seed.user("alice");
    const bob = await h.seed.user("bob");
    const wsA = await h.seed.workspace(alice.id);
    const wsB = await h.seed.workspace(bob.id);
    await h.seed.addMember(wsA, alice.id);
    await h.seed.addMember(wsB, bob.id);

    const a = await TestSocket.connected(gateway.url, await h.token(alice.id));
    const b = await TestSocket.connected(gateway.url, await h.token(bob.id));
    expect(await a.subscribe(wsA)).toMatchObject({ ok: true });
    expect(await b.subscribe(wsB)).toMatchObject({ ok: true });

    const forbidden = { ok: false, error: { code: "FORBIDDEN", message: "not a member of this workspace" } };
    // The real id of A, with and without a cursor (a resume would replay A's history).
    expect(await b.subscribe(wsA)).toEqual(forbidden);
    expect(await b.subscribe(wsA, "0")).toEqual(forbidden);
    // Guessed ids answer exactly like A's: nothing to probe.
    expect(await b.subscribe(randomUUID())).toEqual(forbidden);
    expect(await b.subscribe(randomUUID(), "1")).toEqual(forbidden);
    // Forged shapes: wildcards, subject injection, extra fields, wrong versions, no callback.
    for (const workspace_id of ["*", ">", `${wsA}.>`, `${wsB}.*`, "", null]) {
      expect(await b.subscribe(workspace_id as string)).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    }
    expect(await b.raw("subscribe", { version: 2, type: "subscribe", payload: { workspace_id: wsA } })).toMatchObject({ ok: false });
    expect(await b.raw("subscribe", { workspace_id: wsA })).toMatchObject({ ok: false });
    expect(await b.raw("subscribe", "evt.>")).toMatchObject({ ok: false });
    expect(await b.request("subscribe", { workspace_id: wsA, user_id: alice.id })).toEqual(forbidden);
    b.socket.emit("subscribe", { version: SOCKET_PROTOCOL_VERSION, type: "subscribe", payload: { workspace_id: wsA } });
    b.socket.emit("join", wsA);
    b.socket.emit("event", { workspace_id: wsA });

    const publishedA = await h.publishProjects(wsA, 20, "secret");
    const markerB = await h.publish(wsB, "project.created", { project_id: randomUUID(), name: "marker" });
    await waitUntil(() => a.events.length === 20 && b.events.length === 1, "A's events at a, B's marker at b");
    // Stream order: A's events were read before B's marker, so had any leaked they would be here.
    expect(b.idsOf()).toEqual([markerB.envelope.event_id]);
    expect(a.idsOf()).toEqual(publishedA.map((p) => p.envelope.event_id));
    expect(b.socket.connected).toBe(true);
    a.close();
    b.close();
  });

  it("a former member cannot resume a workspace's history", async ({ h, gateway }) => {
    const carol = await h.seed.user("carol");
    const ws = await h.seed.workspace(carol.id);
    const membership = await h.seed.addMember(ws, carol.id);
    await h.publishProjects(ws, 3);
    await h.removeMember(ws, carol.id, membership);
    const c = await TestSocket.connected(gateway.url, await h.token(carol.id));
    expect(await c.subscribe(ws, "0")).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    await h.publishProjects(ws, 2);
    const other = await h.seed.workspace(carol.id);
    await h.seed.addMember(other, carol.id);
    await c.subscribe(other);
    const marker = await h.publish(other, "project.created", { project_id: randomUUID(), name: "marker" });
    await waitUntil(() => c.events.length >= 1, "marker");
    expect(c.idsOf()).toEqual([marker.envelope.event_id]);
    c.close();
  });

  it("a deleted workspace cannot be subscribed", async ({ h, gateway }) => {
    const dave = await h.seed.user("dave");
    const ws = await h.seed.workspace(dave.id);
    await h.seed.addMember(ws, dave.id);
    await h.seed.deleteWorkspace(ws);
    const d = await TestSocket.connected(gateway.url, await h.token(dave.id));
    expect(await d.subscribe(ws)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    d.close();
  });
});
