import { SOCKET_PROTOCOL_VERSION, type TResyncReason, type TSubscriptionEndReason } from "@spine/contracts";
import type { StreamEnvelope } from "../stream/decode-stream-message.ts";
import { accessEffectFor } from "./access-effect.ts";
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
}

/**
 * One socket's subscription to one workspace. The live tail offers every envelope of the
 * workspace in stream order; while the membership check or a replay runs they are held, then
 * released after the replayed ones, deduplicated by sequence, so the client sees no gap and no
 * repeat. Access-changing envelopes are applied at their position in the stream.
 */
export class Subscription {
  state: SubscriptionState = "checking";
  /** Highest sequence handed to the socket, or the baseline the client resumes from. */
  lastOffered: number;
  /** Highest sequence the client acknowledged; null before its first ack. */
  lastAcked: number | null = null;
  /** Made on first use (a replay waiting for room): an idle live subscription holds none. */
  #abort: AbortController | null = null;
  /** Tail position when registered: every later envelope is offered live, earlier ones need a replay. */
  readonly registeredAt: number;
  /** The membership the subscribe check found; null until it passed. */
  membershipId: string | null = null;
  #held: StreamEnvelope[] = [];

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

  offerLive(message: StreamEnvelope): void {
    if (this.state === "closed") return;
    if (this.state === "live") {
      this.#deliver(message);
      return;
    }
    if (this.#held.length >= this.maxHeld) {
      this.hooks.onTooSlow(this);
      return;
    }
    this.#held.push(message);
  }

  startReplay(afterSeq: number): void {
    this.state = "replaying";
    this.lastOffered = afterSeq;
  }

  offerReplayed(message: StreamEnvelope): void {
    if (this.state !== "replaying") return;
    if (this.#deliver(message)) this.hooks.onReplayed();
  }

  /** Switch to live: release what the tail held meanwhile, skipping what was already replayed. */
  goLive(): void {
    if (this.state === "closed") return;
    this.state = "live";
    const held = this.#held;
    this.#held = [];
    for (const message of held) {
      if (this.state !== "live") break;
      this.#deliver(message);
    }
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

  /** True when the envelope went to the socket. */
  #deliver(message: StreamEnvelope): boolean {
    if (message.seq <= this.lastOffered) return false;
    const effect = accessEffectFor(message.envelope, this.userId);
    if (effect.kind === "end" && !this.#superseded(message.seq, effect.membershipId)) {
      this.hooks.onEnd(this, effect.reason);
      return false;
    }
    this.lastOffered = message.seq;
    const seq = message.seq;
    const pushed = this.sink.push({
      workspaceId: this.workspaceId,
      seq,
      message: { version: SOCKET_PROTOCOL_VERSION, type: "event", payload: message.envelope, cursor: String(seq) },
      onAck: () => {
        if (this.lastAcked === null || seq > this.lastAcked) this.lastAcked = seq;
      },
    });
    if (pushed && effect.kind === "recheck") this.hooks.onRecheck(this);
    return pushed;
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
