import { createEnvelope, type ServerMessage } from "@spine/contracts";
import { describe, expect, it } from "vitest";
import { GatewayMetrics } from "../metrics.ts";
import type { StreamEnvelope } from "../stream/decode-stream-message.ts";
import { SocketSink } from "./socket-sink.ts";
import { Subscription, type SubscriptionHooks } from "./subscription.ts";
import { SubscriptionRouter, roomOf } from "./subscription-router.ts";

const ws = "0193f1e2-7a1b-7c3d-8e4f-a1b2c3d4e5f6";
const user = "0193f1e2-7a1b-7c3d-8e4f-a1b2c3d4e5f7";

function envelopeAt(seq: number): StreamEnvelope {
  const envelope = createEnvelope({ type: "project.created", payload: { project_id: ws, name: `p${seq}` }, workspaceId: ws, actorId: null, correlationId: `c-${seq}` });
  return { seq, workspaceId: ws, envelope };
}

/**
 * One socket's view, wired as the gateway wires it but without a network: what reaches the socket alone
 * (`direct`) and what reaches it through its room's broadcast (`viaRoom`, only while it is in the room).
 */
function socketAndRouter() {
  const metrics = new GatewayMetrics();
  const direct: ServerMessage<"event">[] = [];
  const viaRoom: ServerMessage<"event">[] = [];
  let inRoom = false;
  const router = new SubscriptionRouter(
    metrics,
    (room, message) => {
      expect(room).toBe(roomOf(ws));
      if (inRoom) viaRoom.push(message);
    },
    () => undefined,
  );
  const sink = new SocketSink({ maxQueue: 100, maxBufferedBytes: 1 << 20, metrics }, {
    sendEvent: (message) => void direct.push(message),
    backlog: () => ({ packets: 0, bytes: 0, blocked: false }),
    drained: () => Promise.resolve(),
    sinkOverflowed: () => undefined,
  });
  const hooks: SubscriptionHooks = {
    onEnd: () => undefined,
    onRecheck: () => undefined,
    onTooSlow: () => undefined,
    onResync: () => undefined,
    onReplayed: () => undefined,
    onLive: () => {
      inRoom = true;
    },
  };
  return { router, sink, hooks, direct, viaRoom, inRoom: () => inRoom };
}

const cursors = (messages: ServerMessage<"event">[]) => messages.map((m) => m.cursor);

/** Registered at tail position 5, resumed from cursor 10 (read that far through another gateway), live. */
function resumedAheadOfTail(s: ReturnType<typeof socketAndRouter>, hooks: SubscriptionHooks = s.hooks, membershipId?: string): Subscription {
  const sub = new Subscription(ws, user, 5, s.sink, 100, hooks);
  s.router.add(sub);
  if (membershipId) sub.admit(membershipId);
  sub.startReplay(10);
  sub.goLive(5);
  return sub;
}

describe("live delivery through the workspace's room", () => {
  it("a subscription caught up with the tail joins the room and takes each envelope once, from the broadcast", () => {
    const s = socketAndRouter();
    const sub = new Subscription(ws, user, 5, s.sink, 100, s.hooks);
    s.router.add(sub);
    s.router.dispatch(envelopeAt(6)); // held while the subscribe check runs
    sub.goLive(6);
    s.router.dispatch(envelopeAt(7));
    s.router.dispatch(envelopeAt(8));
    expect(cursors(s.direct)).toEqual(["6"]);
    expect(cursors(s.viaRoom)).toEqual(["7", "8"]);
    expect(s.viaRoom.map((m) => m.prev)).toEqual(["6", "7"]);
  });

  it("a client resuming with a cursor ahead of this gateway's tail gets nothing it has: per socket until the tail passes its cursor, then the room", () => {
    const s = socketAndRouter();
    const sub = resumedAheadOfTail(s);
    expect(s.inRoom()).toBe(false);
    for (let seq = 6; seq <= 12; seq++) s.router.dispatch(envelopeAt(seq));
    // 6–10 are the client's already; 10 caught it up, so 11 and 12 come from the room, and only from it.
    expect(cursors(s.direct)).toEqual([]);
    expect(cursors(s.viaRoom)).toEqual(["11", "12"]);
    expect(sub.lastOffered).toBe(12);
  });

  it("a removal of the user inside the range the client already has still ends the subscription while it catches up", () => {
    const s = socketAndRouter();
    const ended: string[] = [];
    resumedAheadOfTail(s, { ...s.hooks, onEnd: (_sub, reason) => void ended.push(reason) }, "0193f1e2-7a1b-7c3d-8e4f-a1b2c3d4e5f8");
    s.router.dispatch(envelopeAt(7));
    const removal = createEnvelope({
      type: "membership.removed", payload: { membership_id: "0193f1e2-7a1b-7c3d-8e4f-a1b2c3d4e5f8", user_id: user }, workspaceId: ws, actorId: null, correlationId: "c-rm",
    });
    s.router.dispatch({ seq: 8, workspaceId: ws, envelope: removal });
    expect(ended).toEqual(["membership_removed"]);
  });

  it("when the tail never carries the cursor itself (another workspace's sequence), the first envelope past it goes to the socket alone, then the room takes over", () => {
    const s = socketAndRouter();
    resumedAheadOfTail(s);
    for (const seq of [7, 9, 11, 13]) s.router.dispatch(envelopeAt(seq));
    expect(cursors(s.direct)).toEqual(["11"]);
    expect(s.direct[0]?.prev).toBe("10");
    expect(cursors(s.viaRoom)).toEqual(["13"]);
  });
});
