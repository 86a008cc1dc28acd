import type { TResyncReason } from "@spine/contracts";
import type { StreamEnvelope } from "../stream/decode-stream-message.ts";
import type { Subscription } from "./subscription.ts";

/** Workspace rooms of this gateway: which subscriptions the live tail offers an envelope to. */
export class SubscriptionRouter {
  readonly #byWorkspace = new Map<string, Set<Subscription>>();
  #count = 0;

  get size(): number {
    return this.#count;
  }

  add(sub: Subscription): void {
    let room = this.#byWorkspace.get(sub.workspaceId);
    if (!room) {
      room = new Set();
      this.#byWorkspace.set(sub.workspaceId, room);
    }
    if (!room.has(sub)) this.#count += 1;
    room.add(sub);
  }

  remove(sub: Subscription): void {
    const room = this.#byWorkspace.get(sub.workspaceId);
    if (!room?.delete(sub)) return;
    this.#count -= 1;
    if (room.size === 0) this.#byWorkspace.delete(sub.workspaceId);
  }

  /** The live tail skipped envelopes it cannot deliver: every subscription must resync. */
  resyncAll(reason: TResyncReason): void {
    for (const room of [...this.#byWorkspace.values()]) for (const sub of [...room]) sub.requireResync(reason);
  }

  dispatch(message: StreamEnvelope): void {
    if (message.workspaceId === null) return;
    const room = this.#byWorkspace.get(message.workspaceId);
    if (!room) return;
    // A copy: an envelope may end subscriptions (and so edit the room) while we walk it.
    for (const sub of [...room]) sub.offerLive(message);
  }
}
