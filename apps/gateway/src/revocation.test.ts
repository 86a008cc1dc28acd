import { randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { gatewayTest as it } from "./test-support/fixtures.ts";
import { TestSocket } from "./test-support/test-socket.ts";
import { waitUntil } from "./test-support/wait-until.ts";

describe("live authorization", () => {
  it("removing a membership cuts off that user's sockets at once, and only theirs", async ({ h, gateway }) => {
    const owner = await h.seed.user("owner");
    const leaver = await h.seed.user("leaver");
    const ws = await h.seed.workspace(owner.id);
    await h.seed.addMember(ws, owner.id);
    const membership = await h.seed.addMember(ws, leaver.id);
    const other = await h.seed.workspace(leaver.id);
    await h.seed.addMember(other, leaver.id);

    const stays = await TestSocket.connected(gateway.url, await h.token(owner.id));
    const leaverPhone = await TestSocket.connected(gateway.url, await h.token(leaver.id));
    const leaverDesktop = await TestSocket.connected(gateway.url, await h.token(leaver.id));
    for (const s of [stays, leaverPhone, leaverDesktop]) expect(await s.subscribe(ws)).toMatchObject({ ok: true });
    expect(await leaverDesktop.subscribe(other)).toMatchObject({ ok: true });

    const before = await h.publishProjects(ws, 3, "before");
    const removal = await h.removeMember(ws, leaver.id, membership);
    const after = await h.publishProjects(ws, 5, "after");
    const otherMarker = await h.publish(other, "project.created", { project_id: randomUUID(), name: "other workspace" });

    const ids = (xs: { envelope: { event_id: string } }[]) => xs.map((x) => x.envelope.event_id);
    await waitUntil(() => stays.events.length === 9, "all events at the remaining member");
    await waitUntil(() => leaverDesktop.idsOf(other).length === 1, "the leaver's other workspace");
    await waitUntil(() => leaverPhone.ended.length === 1 && leaverDesktop.ended.length === 1, "subscription_ended at both of the leaver's sockets");

    expect(stays.idsOf(ws)).toEqual([...ids(before), removal.envelope.event_id, ...ids(after)]);
    for (const s of [leaverPhone, leaverDesktop]) {
      expect(s.idsOf(ws)).toEqual(ids(before));
      expect(s.ended[0]?.payload).toEqual({ workspace_id: ws, reason: "membership_removed" });
    }
    // The leaver's other workspace keeps flowing on the same socket.
    expect(leaverDesktop.idsOf(other)).toEqual([otherMarker.envelope.event_id]);
    expect(await leaverPhone.subscribe(ws)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    for (const s of [stays, leaverPhone, leaverDesktop]) s.close();
  });

  it("deleting a workspace ends every subscription to it", async ({ h, gateway }) => {
    const a = await h.seed.user("a");
    const b = await h.seed.user("b");
    const ws = await h.seed.workspace(a.id);
    await h.seed.addMember(ws, a.id);
    await h.seed.addMember(ws, b.id);
    const sa = await TestSocket.connected(gateway.url, await h.token(a.id));
    const sb = await TestSocket.connected(gateway.url, await h.token(b.id));
    await sa.subscribe(ws);
    await sb.subscribe(ws);

    const first = await h.publish(ws, "project.created", { project_id: randomUUID(), name: "one" });
    await h.seed.deleteWorkspace(ws);
    await h.publish(ws, "workspace.deleted", { workspace_id: ws });
    await h.publishProjects(ws, 3, "late");
    await waitUntil(() => sa.ended.length === 1 && sb.ended.length === 1, "subscription_ended");
    for (const s of [sa, sb]) {
      expect(s.idsOf()).toEqual([first.envelope.event_id]);
      expect(s.ended[0]?.payload.reason).toBe("workspace_deleted");
    }
    expect(await sa.subscribe(ws)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    sa.close();
    sb.close();
  });

  it("a removal that lands while the subscribe check runs still applies", async ({ h, gateway }) => {
    const u = await h.seed.user("racer");
    const ws = await h.seed.workspace(u.id);
    const membership = await h.seed.addMember(ws, u.id);
    const s = await TestSocket.connected(gateway.url, await h.token(u.id));
    // Both in flight together: whichever order they take, nothing after the removal reaches the socket.
    const [ack] = await Promise.all([s.subscribe(ws), h.removeMember(ws, u.id, membership)]);
    const late = await h.publishProjects(ws, 3, "late");
    const probe = await h.seed.workspace(u.id);
    await h.seed.addMember(probe, u.id);
    await s.subscribe(probe);
    const marker = await h.publish(probe, "project.created", { project_id: randomUUID(), name: "marker" });
    await waitUntil(() => s.idsOf(probe).length === 1, "marker");
    const lateIds = new Set(late.map((l) => l.envelope.event_id));
    expect(s.idsOf(ws).filter((id) => lateIds.has(id))).toEqual([]);
    expect(s.idsOf(probe)).toEqual([marker.envelope.event_id]);
    if ((ack as { ok: boolean }).ok) expect(s.ended.map((e) => e.payload.workspace_id)).toEqual([ws]);
    s.close();
  });

  it("a removal older than the current membership does not end a resumed subscription", async ({ h, gateway }) => {
    const owner = await h.seed.user("owner");
    const u = await h.seed.user("returner");
    const ws = await h.seed.workspace(owner.id);
    await h.seed.addMember(ws, owner.id);
    const first = await h.seed.addMember(ws, u.id);
    const s1 = await TestSocket.connected(gateway.url, await h.token(u.id));
    expect(await s1.subscribe(ws)).toMatchObject({ ok: true });
    await h.publishProjects(ws, 2, "seen");
    await waitUntil(() => s1.events.length === 2, "events before leaving");
    const cursor = s1.events[1]?.cursor ?? null;
    s1.close();

    // Removed, then re-added (a new membership row) while offline.
    const removal = await h.removeMember(ws, u.id, first);
    const gap = await h.publishProjects(ws, 2, "gap");
    const second = await h.seed.addMember(ws, u.id);
    const added = await h.publish(ws, "membership.added", { membership_id: second, user_id: u.id, role: "member" });
    const back = await h.publishProjects(ws, 2, "back");

    // Resuming from before the old removal replays it, and must not end the current membership's subscription.
    const s2 = await TestSocket.connected(gateway.url, await h.token(u.id));
    expect(await s2.subscribe(ws, cursor)).toMatchObject({ ok: true });
    const live = await h.publish(ws, "project.created", { project_id: randomUUID(), name: "live" });
    await waitUntil(() => s2.idsOf(ws).includes(live.envelope.event_id) || s2.ended.length > 0, "replay and live, or an end");
    expect(s2.ended).toEqual([]);
    const ids = (xs: { envelope: { event_id: string } }[]) => xs.map((x) => x.envelope.event_id);
    expect(s2.idsOf(ws)).toEqual([removal.envelope.event_id, ...ids(gap), added.envelope.event_id, ...ids(back), live.envelope.event_id]);

    // A removal of the current membership still ends it.
    await h.removeMember(ws, u.id, second);
    await waitUntil(() => s2.ended.length === 1, "the current membership's removal ends the subscription");
    expect(s2.ended[0]?.payload).toEqual({ workspace_id: ws, reason: "membership_removed" });
    s2.close();
  });

  it("a role change makes the gateway check the membership again", async ({ h, gateway }) => {
    const u = await h.seed.user("demoted");
    const ws = await h.seed.workspace(u.id);
    const membership = await h.seed.addMember(ws, u.id);
    const s = await TestSocket.connected(gateway.url, await h.token(u.id));
    await s.subscribe(ws);
    // Still a member after a role change: delivery continues.
    await h.publish(ws, "membership.role_changed", { membership_id: membership, user_id: u.id, from_role: "member", to_role: "viewer" });
    const kept = await h.publish(ws, "project.created", { project_id: randomUUID(), name: "kept" });
    await waitUntil(() => s.idsOf(ws).includes(kept.envelope.event_id), "delivery after a role change");
    expect(s.ended).toEqual([]);
    // The row is gone by the time the gateway checks: access revoked.
    await h.seed.removeMember(ws, u.id);
    await h.publish(ws, "membership.role_changed", { membership_id: membership, user_id: u.id, from_role: "viewer", to_role: "member" });
    await waitUntil(() => s.ended.length === 1, "subscription ended by the recheck");
    expect(s.ended[0]?.payload).toEqual({ workspace_id: ws, reason: "access_revoked" });
    s.close();
  });
});
