import { DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { Logger } from "pino";
import type { GatewayMetrics } from "../metrics.ts";
import { decodeStreamMessage, type StreamEnvelope } from "./decode-stream-message.ts";
import { readStreamBounds } from "./stream-bounds.ts";

export interface LiveTailOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  subjectPrefix: string;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Called synchronously, in stream order, for every valid envelope. */
  onEnvelope: (message: StreamEnvelope) => void;
  /** How long start() waits for the stream to exist (another process manages it). */
  streamWaitMs?: number;
}

/**
 * This gateway's own read of the events stream: an ordered, ephemeral consumer starting after
 * the stream's last sequence at start. `position` is the last sequence dispatched; a socket
 * registered now receives every envelope after it (the resume baseline).
 */
export class LiveTail {
  position = 0;
  #messages: ConsumerMessages | null = null;
  #loop: Promise<void> | null = null;
  #stopped = false;
  readonly #o: LiveTailOptions;

  constructor(options: LiveTailOptions) {
    this.#o = options;
  }

  get ready(): boolean {
    return this.#messages !== null && !this.#stopped;
  }

  async start(): Promise<void> {
    const { js, stream, subjectPrefix } = this.#o;
    const bounds = await this.#waitForStream();
    this.position = bounds.lastSeq;
    this.#o.metrics.lastStreamSequence = bounds.lastSeq;
    const consumer = await js.consumers.get(stream, {
      filter_subjects: `${subjectPrefix}.>`,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: bounds.lastSeq + 1,
    });
    // Short pulls: a lost consumer (NATS restart) is noticed by missed heartbeats and recreated quickly.
    this.#messages = await consumer.consume({ max_messages: 512, expires: 5_000 });
    this.#loop = this.#run(this.#messages);
    this.#o.logger.info({ stream, start_seq: bounds.lastSeq + 1 }, "live tail started");
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#messages?.close();
    await this.#loop;
  }

  async #run(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) {
        this.#handle(msg.seq, msg.subject, msg.data);
      }
    } catch (err) {
      if (!this.#stopped) this.#o.logger.error({ err }, "live tail stopped unexpectedly");
    }
  }

  #handle(seq: number, subject: string, data: Uint8Array): void {
    const { metrics, logger } = this.#o;
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
