import { DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { Logger } from "pino";
import type { GatewayMetrics } from "../metrics.ts";
import { decodeStreamMessage, type StreamEnvelope } from "./decode-stream-message.ts";
import { readStreamBounds } from "./stream-bounds.ts";

/** Why the tail could not continue exactly where it stopped (every subscriber must resync). */
export type TailGapReason = "history_exhausted" | "cursor_unknown";

export interface LiveTailOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  subjectPrefix: string;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Called synchronously, in stream order, for every valid envelope. */
  onEnvelope: (message: StreamEnvelope) => void;
  /**
   * The tail restarted after a loss and could not continue right after `position` (history aged
   * out meanwhile, or the stream was recreated): what was missed cannot be delivered live.
   */
  onGap: (reason: TailGapReason) => void;
  /** How long start() waits for the stream to exist (another process manages it). */
  streamWaitMs?: number;
  /** First delay before retrying a failed restart; doubles up to 5 s. */
  restartDelayMs?: number;
}

const MAX_RESTART_DELAY_MS = 5_000;

/**
 * This gateway's own read of the events stream: an ordered, ephemeral consumer starting after
 * the stream's last sequence at start. `position` is the last sequence dispatched; a socket
 * registered now receives every envelope after it (the resume baseline).
 *
 * If the read ends unexpectedly (its consumer deleted, the stream gone, NATS restarted without
 * it), the tail is not ready until it runs again, and it restarts at `position + 1`, so every
 * envelope in between is still dispatched, in order; if that history is gone, `onGap` tells the
 * subscribers to resync instead of leaving a silent hole.
 */
export class LiveTail {
  position = 0;
  /** Times the read was lost and started again. */
  restarts = 0;
  #messages: ConsumerMessages | null = null;
  #loop: Promise<void> | null = null;
  #restarting: Promise<void> | null = null;
  #stopped = false;
  /** Cuts a restart's retry delay short on stop(). */
  #wake: (() => void) | null = null;
  readonly #o: LiveTailOptions;

  constructor(options: LiveTailOptions) {
    this.#o = options;
  }

  get ready(): boolean {
    return this.#messages !== null && !this.#stopped;
  }

  async start(): Promise<void> {
    const bounds = await this.#waitForStream();
    this.position = bounds.lastSeq;
    this.#o.metrics.lastStreamSequence = bounds.lastSeq;
    await this.#open(bounds.lastSeq + 1);
    this.#o.logger.info({ stream: this.#o.stream, start_seq: bounds.lastSeq + 1 }, "live tail started");
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#restarting;
    await this.#messages?.close();
    await this.#loop;
  }

  async #open(startSeq: number): Promise<void> {
    const { js, stream, subjectPrefix } = this.#o;
    const consumer = await js.consumers.get(stream, {
      filter_subjects: `${subjectPrefix}.>`,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: startSeq,
    });
    // Short pulls: a lost consumer (NATS restart) is noticed by missed heartbeats. A missing
    // consumer or stream ends the read (instead of the client's silent retries), so the restart
    // below decides where to continue and whether subscribers must resync.
    const messages = await consumer.consume({ max_messages: 512, expires: 5_000, abort_on_missing_resource: true });
    if (this.#stopped) {
      await messages.close();
      return;
    }
    this.#messages = messages;
    this.#loop = this.#run(messages);
  }

  async #run(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) {
        this.#handle(msg.seq, msg.subject, msg.data);
      }
    } catch (err) {
      if (!this.#stopped) this.#o.logger.error({ err }, "live tail read failed");
    }
    if (this.#stopped || this.#messages !== messages) return;
    // Ended without stop(): not ready until it runs again from where it left off.
    this.#messages = null;
    this.restarts += 1;
    this.#o.logger.warn({ position: this.position }, "live tail lost; restarting after its position");
    this.#restarting = this.#restart().finally(() => {
      this.#restarting = null;
    });
  }

  async #restart(): Promise<void> {
    const { jsm, stream, logger } = this.#o;
    let delay = this.#o.restartDelayMs ?? 250;
    while (!this.#stopped) {
      try {
        const bounds = await readStreamBounds(jsm, stream);
        if (bounds.lastSeq < this.position) {
          // The stream was recreated: our sequences (and every client's cursor) mean nothing now.
          logger.error({ position: this.position, last_seq: bounds.lastSeq }, "events stream behind the tail; subscribers must resync");
          this.#gap("cursor_unknown", bounds.lastSeq);
        } else if (bounds.firstSeq > this.position + 1) {
          logger.error({ position: this.position, first_seq: bounds.firstSeq }, "envelopes aged out while the tail was down; subscribers must resync");
          this.#gap("history_exhausted", bounds.firstSeq - 1);
        }
        await this.#open(this.position + 1);
        logger.info({ start_seq: this.position + 1 }, "live tail restarted");
        return;
      } catch (err) {
        logger.warn({ err, retry_ms: delay }, "live tail restart failed; retrying");
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wake = null;
        delay = Math.min(delay * 2, MAX_RESTART_DELAY_MS);
      }
    }
  }

  #gap(reason: TailGapReason, newPosition: number): void {
    this.position = newPosition;
    this.#o.metrics.lastStreamSequence = newPosition;
    try {
      this.#o.onGap(reason);
    } catch (err) {
      this.#o.logger.error({ err, reason }, "gap notification failed");
    }
  }

  #handle(seq: number, subject: string, data: Uint8Array): void {
    const { metrics, logger } = this.#o;
    // Never dispatch a sequence twice (a restart resumes strictly after `position`).
    if (seq <= this.position) return;
    this.position = seq;
    metrics.lastStreamSequence = seq;
    metrics.envelopesRead += 1;
    const decoded = decodeStreamMessage({ seq, subject, data }, this.#o.subjectPrefix);
    if (!decoded.ok) {
      metrics.envelopesInvalid += 1;
      logger.error({ seq, subject, reason: decoded.reason }, "invalid envelope on the stream; skipped");
      return;
    }
    const { envelope } = decoded.value;
    logger.debug({ seq, event_type: envelope.event_type, workspace_id: envelope.workspace_id, correlation_id: envelope.correlation_id }, "envelope");
    try {
      this.#o.onEnvelope(decoded.value);
    } catch (err) {
      logger.error({ err, seq, correlation_id: envelope.correlation_id }, "dispatch failed");
    }
  }

  async #waitForStream() {
    const deadline = Date.now() + (this.#o.streamWaitMs ?? 30_000);
    for (;;) {
      try {
        return await readStreamBounds(this.#o.jsm, this.#o.stream);
      } catch (err) {
        const missing = err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound;
        if (!missing || Date.now() > deadline) throw err;
        this.#o.logger.warn({ stream: this.#o.stream }, "events stream not found yet; waiting");
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
}
