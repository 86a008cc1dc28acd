import { SOCKET_PROTOCOL_VERSION, type ServerMessage, type TResyncReason, type TSubscriptionEndReason } from "@spine/contracts";
import type { StreamEnvelope } from "../stream/decode-stream-message.ts";
import { accessEffectFor, type AccessEffect } from "./access-effect.ts";
import type { SocketSink } from "./socket-sink.ts";

export type SubscriptionState = "checking" | "replaying" | "live" | "closed";

export interface SubscriptionHooks {
  /** An envelope in the stream ended this user's access to the workspace. */
  onEnd(sub: Subscription, reason: TSubscriptionEndReason): void;
  /** The user's membership changed in place; check it again against the database. */
  onRecheck(sub: Subscription): void;
  /** Live envelopes held during a check or replay overflowed: the client must resume later. */
  onTooSlow(sub: Subscription): void;
  /** The live tail lost envelopes it cannot deliver: the client must resync. */
  onResync(sub: Subscription, reason: TResyncReason): void;
  onReplayed(): void;
  /** Caught up: the subscription takes its workspace's broadcast from now on (its socket joins the room). */
  onLive(sub: Subscription): void;
}

/**
 * One socket's subscription to one workspace. The live tail offers every envelope of the
 * workspace in stream order; while the membership check or a replay runs they are held, then
 * released after the replayed ones, deduplicated by sequence, so the client sees no gap and no
 * repeat — these go to the socket alone. Once caught up the subscription is live: its socket is in
 * the workspace's room and each envelope reaches it in the room's one broadcast packet, after the
 * envelope's access effect was applied here (an envelope that ends this user's access is never sent).
 */
export class Subscription {
  state: SubscriptionState = "checking";
  /** Highest sequence sent to the socket, or the baseline the client resumes from. */
  lastOffered: number;
  /** Made on first use (a replay waiting for room): an idle live subscription holds none. */
  #abort: AbortController | null = null;
  /** Tail position when registered: every later envelope is offered live, earlier ones need a replay. */
  readonly registeredAt: number;
  /** The membership the subscribe check found; null until it passed. */
  membershipId: string | null = null;
  #held: StreamEnvelope[] = [];
  /**
   * Live, but the client's cursor is ahead of this gateway's tail (it resumed here from another instance,
   * or from a mirror ahead of this one): envelopes go to this socket alone, without the ones the client
   * has, until the tail passes the cursor; then it joins the room.
   */
  #catchingUpTo: number | null = null;

  constructor(
    readonly workspaceId: string,
    readonly userId: string,
    baseline: number,
    private readonly sink: SocketSink,
    private readonly maxHeld: number,
    private readonly hooks: SubscriptionHooks,
  ) {
    this.lastOffered = baseline;
    this.registeredAt = baseline;
  }

  /** Aborted when the subscription closes; a replay waiting for the client's room stops then. */
  get signal(): AbortSignal {
    this.#abort ??= new AbortController();
    if (this.state === "closed") this.#abort.abort();
    return this.#abort.signal;
  }

  get closed(): boolean {
    return this.state === "closed";
  }

  /**
   * The live tail's envelope. `broadcast` when this subscription takes the room's broadcast of it (it
   * is live, may still see the workspace and its socket has room); `join` when it was sent to this socket
   * alone and the subscription caught up with the tail: it joins the room right after this broadcast;
   * `skip` otherwise (held while a check or replay runs, ended, cut off).
   */
  offerLive(message: StreamEnvelope): "broadcast" | "join" | "skip" {
    if (this.state === "closed") return "skip";
    if (this.state !== "live") {
      if (this.#held.length >= this.maxHeld) this.hooks.onTooSlow(this);
      else this.#held.push(message);
      return "skip";
    }
    if (this.#catchingUpTo !== null) {
      this.#deliver(message);
      if (this.state !== "live" || message.seq < this.#catchingUpTo) return "skip";
      this.#catchingUpTo = null;
      return "join";
    }
    const effect = this.#effect(message);
    if (effect === null || !this.sink.admit()) return "skip";
    this.lastOffered = message.seq;
    if (effect.kind === "recheck") this.hooks.onRecheck(this);
    return "broadcast";
  }

  /** In the room from now on (after the broadcast that caught it up). */
  joinRoom(): void {
    if (this.state === "live") this.hooks.onLive(this);
  }

  startReplay(afterSeq: number): void {
    this.state = "replaying";
    this.lastOffered = afterSeq;
  }

  offerReplayed(message: StreamEnvelope): void {
    if (this.state !== "replaying") return;
    if (this.#deliver(message)) this.hooks.onReplayed();
  }

  /**
   * Switch to live: release what the tail held meanwhile, skipping what was already replayed, then join
   * the room — or, while the client's cursor is still ahead of the tail (`tailPosition`), go on per socket
   * until the tail passes it, so the room never sends it what it has.
   */
  goLive(tailPosition: number): void {
    if (this.state === "closed") return;
    this.state = "live";
    const held = this.#held;
    this.#held = [];
    for (const message of held) {
      if (this.state !== "live") return;
      this.#deliver(message);
    }
    if (this.state !== "live") return;
    if (this.lastOffered > tailPosition) this.#catchingUpTo = this.lastOffered;
    else this.hooks.onLive(this);
  }

  /** Envelopes of this workspace were lost before reaching it (the live tail's gap). */
  requireResync(reason: TResyncReason): void {
    if (this.state === "closed") return;
    this.hooks.onResync(this, reason);
  }

  /** The membership check passed (run after registration, so it reflects every envelope up to `registeredAt`). */
  admit(membershipId: string): void {
    this.membershipId = membershipId;
  }

  close(): void {
    this.state = "closed";
    this.#held = [];
    this.#abort?.abort();
  }

  /** To this socket alone (replayed or held); true when the envelope went out. */
  #deliver(message: StreamEnvelope): boolean {
    if (message.seq <= this.lastOffered) {
      // The client has it (its cursor is past it), but an access change after registration still applies:
      // a removal here ends the subscription even though the envelope itself is not sent again.
      if (message.seq > this.registeredAt && this.#effect(message)?.kind === "recheck") this.hooks.onRecheck(this);
      return false;
    }
    const effect = this.#effect(message);
    if (effect === null) return false;
    const sent = this.sink.send({
      version: SOCKET_PROTOCOL_VERSION,
      type: "event",
      payload: message.envelope,
      cursor: String(message.seq),
      prev: String(this.lastOffered),
    } satisfies ServerMessage<"event">);
    if (!sent) return false;
    this.lastOffered = message.seq;
    if (effect.kind === "recheck") this.hooks.onRecheck(this);
    return true;
  }

  /** The envelope's access effect for this user; null when it ended the subscription (it is not sent then). */
  #effect(message: StreamEnvelope): AccessEffect | null {
    const effect = accessEffectFor(message.envelope, this.userId);
    if (effect.kind === "end" && !this.#superseded(message.seq, effect.membershipId)) {
      this.hooks.onEnd(this, effect.reason);
      return null;
    }
    return effect;
  }

  /**
   * An access-ending envelope that no longer applies: a replayed one (at or before `registeredAt`;
   * the membership check ran after registration and found the user a member, so the user was
   * re-added or the workspace restored since), or the removal of an earlier membership of the user.
   * It is history then, delivered like any other envelope.
   */
  #superseded(seq: number, removedMembershipId: string | undefined): boolean {
    if (this.membershipId === null) return false;
    if (seq <= this.registeredAt) return true;
    return removedMembershipId !== undefined && removedMembershipId !== this.membershipId;
  }
}
