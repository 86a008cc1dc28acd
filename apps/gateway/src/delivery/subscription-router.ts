import { SOCKET_PROTOCOL_VERSION, type ServerMessage, type TResyncReason } from "@spine/contracts";
import type { GatewayMetrics } from "../metrics.ts";
import type { StreamEnvelope } from "../stream/decode-stream-message.ts";
import type { Subscription } from "./subscription.ts";

/** The Socket.IO room of a workspace: the sockets whose subscription to it is live. */
export function roomOf(workspaceId: string): string {
  return `ws:${workspaceId}`;
}

interface Room {
  readonly name: string;
  readonly subs: Set<Subscription>;
  /** The last sequence dispatched to this room since it opened: the next envelope's `prev`. */
  lastSeq: number | null;
}

/** Sends one encoded packet to every socket in a Socket.IO room. */
export type Broadcast = (room: string, message: ServerMessage<"event">) => void;

/**
 * Workspace rooms of this gateway: which subscriptions the live tail offers an envelope to. Each
 * envelope becomes one `event` message, broadcast once to the room's live subscriptions (Socket.IO
 * encodes it once for all of them); subscriptions still checking or replaying hold it instead.
 */
export class SubscriptionRouter {
  readonly #rooms = new Map<string, Room>();
  #count = 0;

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly broadcast: Broadcast,
    private readonly onError: (err: unknown, sub: Subscription) => void,
  ) {}

  get size(): number {
    return this.#count;
  }

  add(sub: Subscription): void {
    let room = this.#rooms.get(sub.workspaceId);
    if (!room) {
      room = { name: roomOf(sub.workspaceId), subs: new Set(), lastSeq: null };
      this.#rooms.set(sub.workspaceId, room);
    }
    if (!room.subs.has(sub)) this.#count += 1;
    room.subs.add(sub);
  }

  remove(sub: Subscription): void {
    const room = this.#rooms.get(sub.workspaceId);
    if (!room?.subs.delete(sub)) return;
    this.#count -= 1;
    if (room.subs.size === 0) this.#rooms.delete(sub.workspaceId);
  }

  /** The live tail skipped envelopes it cannot deliver: every subscription must resync. */
  resyncAll(reason: TResyncReason): void {
    for (const room of [...this.#rooms.values()]) for (const sub of [...room.subs]) sub.requireResync(reason);
  }

  dispatch(message: StreamEnvelope): void {
    if (message.workspaceId === null) return;
    const room = this.#rooms.get(message.workspaceId);
    if (!room) return;
    const prev = room.lastSeq;
    room.lastSeq = message.seq;
    // Access effects first: a subscription this envelope ends (or a socket too slow to take it)
    // leaves the room before the broadcast. A Set tolerates the deletions while we walk it.
    let live = 0;
    let joining: Subscription[] | null = null;
    for (const sub of room.subs) {
      let offer: ReturnType<Subscription["offerLive"]>;
      try {
        offer = sub.offerLive(message);
      } catch (err) {
        // Never a silent hole for one subscription because of another's failure: this one must resync.
        this.onError(err, sub);
        sub.requireResync("gateway_unavailable");
        continue;
      }
      if (offer === "broadcast") live += 1;
      else if (offer === "join") (joining ??= []).push(sub);
    }
    if (live > 0) {
      this.metrics.deliveries += live;
      this.broadcast(room.name, {
        version: SOCKET_PROTOCOL_VERSION,
        type: "event",
        payload: message.envelope,
        cursor: String(message.seq),
        prev: prev === null ? null : String(prev),
      });
    }
    // Caught up with the tail by this envelope (sent to them alone): in the room from the next one on.
    if (joining) for (const sub of joining) sub.joinRoom();
  }
}
