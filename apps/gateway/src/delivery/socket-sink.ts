import type { ServerMessage } from "@spine/contracts";
import type { GatewayMetrics } from "../metrics.ts";

export interface SocketSinkOptions {
  maxQueue: number;
  maxBufferedBytes: number;
  metrics: GatewayMetrics;
}

/** What a socket's transport holds unsent in the gateway's memory. */
export interface TransportBacklog {
  /** Packets waiting behind the transport (Engine.IO's write buffer). */
  packets: number;
  /** Bytes handed to the TCP socket that the kernel has not taken yet. */
  bytes: number;
  /**
   * The transport is held up by its client rather than by the gateway's own write in progress: the TCP
   * socket holds unsent bytes, or it is not a WebSocket (long-polling waits for the client's next poll).
   */
  blocked: boolean;
}

/**
 * Where a sink's events go. The socket's session implements it with methods (not closures made per
 * socket), so an idle connection holds no functions of its own.
 */
export interface SinkTarget {
  /** Send one event to this socket alone (replays and held envelopes; live ones are broadcast to the room). */
  sendEvent(message: ServerMessage<"event">): void;
  backlog(): TransportBacklog;
  /** Resolves when the transport finished a write, or after `maxWaitMs`. */
  drained(maxWaitMs: number): Promise<void>;
  /** The transport holds more than the limit: every subscription of the socket must resync. */
  sinkOverflowed(): void;
}

/**
 * One socket's outbound bound. Events are not acknowledged one by one: the transport is ordered and
 * the memory a slow client costs is what its transport holds. Past `maxQueue` packets held up by the
 * client, or `maxBufferedBytes` in its TCP socket with more waiting behind it, the socket's subscriptions are cut off with
 * `resync_required(client_too_slow)`, so a stalled client never holds up the stream or another socket,
 * and its memory stays bounded; it resumes from its own cursor.
 */
export class SocketSink {
  #closed = false;
  readonly #o: SocketSinkOptions;
  readonly #target: SinkTarget;

  /** `options` is shared by every socket of the gateway; `target` is the socket's session. */
  constructor(options: SocketSinkOptions, target: SinkTarget) {
    this.#o = options;
    this.#target = target;
  }

  /**
   * True when the socket may be sent one more event. Otherwise the socket is cut off as too slow
   * (its subscriptions told to resync) and false.
   */
  admit(): boolean {
    if (this.#closed) return false;
    const { packets, bytes, blocked } = this.#target.backlog();
    // A stalled client shows as packets piling up behind its TCP socket; bytes count only while something
    // waits behind them (one large envelope on its way is not a slow client).
    const tooManyPackets = packets >= this.#o.maxQueue && blocked;
    const tooManyBytes = bytes >= this.#o.maxBufferedBytes && packets > 0;
    if (!tooManyPackets && !tooManyBytes) return true;
    this.#o.metrics.drops += 1;
    this.#o.metrics.slowClientCutoffs += 1;
    this.#target.sinkOverflowed();
    return false;
  }

  /** Send one event to this socket alone; false when it was cut off instead. */
  send(message: ServerMessage<"event">): boolean {
    if (!this.admit()) return false;
    this.#target.sendEvent(message);
    this.#o.metrics.deliveries += 1;
    return true;
  }

  /** The transport holds at most half the limits. */
  hasRoom(): boolean {
    const { packets, bytes } = this.#target.backlog();
    return packets <= this.#o.maxQueue / 2 && bytes <= this.#o.maxBufferedBytes / 2;
  }

  /** Resolves once the transport holds at most half the limits, so a replay paces itself to the client. */
  async waitForRoom(signal: AbortSignal): Promise<void> {
    while (!this.#closed && !signal.aborted && !this.hasRoom()) await this.#target.drained(100);
  }

  close(): void {
    this.#closed = true;
  }
}
