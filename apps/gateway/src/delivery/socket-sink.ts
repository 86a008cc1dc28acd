import type { ServerMessage } from "@spine/contracts";
import type { GatewayMetrics } from "../metrics.ts";

export interface OutboundEvent {
  workspaceId: string;
  seq: number;
  message: ServerMessage<"event">;
  /** Called when the client acknowledges the event. */
  onAck: () => void;
}

export interface SocketSinkOptions {
  maxQueue: number;
  maxInFlight: number;
  metrics: GatewayMetrics;
}

/**
 * Where a sink's events go. The socket's session implements it with methods (not closures made per
 * socket), so an idle connection holds no functions of its own.
 */
export interface SinkTarget {
  /** Send one event; `ack` runs when the client acknowledges it. */
  sendEvent(message: ServerMessage<"event">, ack: () => void): void;
  /** The queue overflowed and was cleared: the socket's subscriptions must resync. */
  sinkOverflowed(): void;
}

/**
 * One socket's outbound path: at most `maxInFlight` unacknowledged events on the wire and at
 * most `maxQueue` waiting. A stalled client fills its own window and queue, then is told to
 * resync; it never holds up the stream or another socket, and its memory stays bounded.
 */
export class SocketSink {
  #queue: OutboundEvent[] = [];
  #inFlight = 0;
  #closed = false;
  #roomWaiters: (() => void)[] = [];
  readonly #o: SocketSinkOptions;
  readonly #target: SinkTarget;

  /** `options` is shared by every socket of the gateway; `target` is the socket's session. */
  constructor(options: SocketSinkOptions, target: SinkTarget) {
    this.#o = options;
    this.#target = target;
  }

  get queued(): number {
    return this.#queue.length;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** False when this push overflowed the queue (it and everything queued were dropped). */
  push(event: OutboundEvent): boolean {
    if (this.#closed) return false;
    if (this.#queue.length >= this.#o.maxQueue) {
      this.#o.metrics.drops += this.#queue.length + 1;
      this.#o.metrics.slowClientCutoffs += 1;
      this.#setQueue([]);
      this.#wakeRoomWaiters();
      this.#target.sinkOverflowed();
      return false;
    }
    this.#queue.push(event);
    this.#o.metrics.bufferedEvents += 1;
    this.#pump();
    return true;
  }

  /** Forget queued (unsent) events of a workspace the socket may no longer see. */
  dropWorkspace(workspaceId: string): void {
    this.#setQueue(this.#queue.filter((e) => e.workspaceId !== workspaceId));
    this.#wakeRoomWaiters();
  }

  /** Resolves once the queue is at most half full, so a replay paces itself to the client. */
  waitForRoom(signal: AbortSignal): Promise<void> {
    if (this.#hasRoom() || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        resolve();
      };
      signal.addEventListener("abort", done, { once: true });
      this.#roomWaiters.push(done);
    });
  }

  close(): void {
    this.#closed = true;
    this.#setQueue([]);
    this.#o.metrics.inFlightEvents -= this.#inFlight;
    this.#inFlight = 0;
    this.#wakeRoomWaiters();
  }

  #setQueue(queue: OutboundEvent[]): void {
    this.#o.metrics.bufferedEvents += queue.length - this.#queue.length;
    this.#queue = queue;
  }

  #hasRoom(): boolean {
    return this.#queue.length <= Math.floor(this.#o.maxQueue / 2);
  }

  #wakeRoomWaiters(): void {
    if (!this.#hasRoom() && !this.#closed) return;
    const waiters = this.#roomWaiters;
    this.#roomWaiters = [];
    for (const wake of waiters) wake();
  }

  #pump(): void {
    while (!this.#closed && this.#inFlight < this.#o.maxInFlight) {
      const next = this.#queue.shift();
      if (!next) break;
      this.#o.metrics.bufferedEvents -= 1;
      this.#o.metrics.inFlightEvents += 1;
      this.#inFlight += 1;
      this.#o.metrics.deliveries += 1;
      let acked = false;
      this.#target.sendEvent(next.message, () => {
        if (acked || this.#closed) return;
        acked = true;
        this.#inFlight -= 1;
        this.#o.metrics.inFlightEvents -= 1;
        next.onAck();
        this.#pump();
      });
    }
    this.#wakeRoomWaiters();
  }
}
