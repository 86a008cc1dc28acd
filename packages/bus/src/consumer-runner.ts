import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import { EVENTS_SUBJECT_PREFIX, type EventType } from "@spine/contracts";
import { ensureDurableConsumer } from "./consumers.ts";
import { errorMessage } from "./errors.ts";
import type { EventHandler } from "./handler.ts";
import { defaultLogger, type Logger } from "./logger.ts";
import { MessageProcessor, type ProcessorHooks } from "./message-processor.ts";
import { Semaphore } from "./semaphore.ts";
import { backoffDelay, sleep } from "./sleep.ts";
import type { JobLedger } from "./ports.ts";

export interface ConsumerRunnerOptions<H = unknown> {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  prefix?: string;
  handler: EventHandler<EventType, H>;
  /** The database side (port): job runs and dead letters; its transaction handle is what the handler gets. */
  ledger: JobLedger<H>;
  /** Durable name; defaults to the handler's name. */
  durable?: string;
  /** Handlers running at once. */
  concurrency?: number;
  /** Handler attempts before dead-lettering (the consumer's max_deliver is one more, see README). */
  maxAttempts?: number;
  backoffMs?: readonly number[];
  ackWaitMs?: number;
  /** Pull heartbeat; two missed heartbeats make the watchdog re-create the consumer. */
  idleHeartbeatMs?: number;
  /** How long one pull request stays open. */
  expiresMs?: number;
  /** Where a new durable starts: every retained event (default), or only new ones. */
  startFrom?: "all" | "new";
  logger?: Logger;
  hooks?: ProcessorHooks;
}

export const DEFAULT_BACKOFF_MS = [1_000, 5_000, 30_000, 120_000] as const;

/**
 * Runs one handler over a durable pull consumer: an outer loop that (re)creates the consumer and
 * consumes, bounded concurrency, and a watchdog that restarts a consume whose heartbeats stop
 * or whose consumer disappeared.
 */
export class ConsumerRunner<H = unknown> {
  private readonly logger: Logger;
  private readonly processor: MessageProcessor<H>;
  private readonly concurrency: number;
  private readonly semaphore: Semaphore;
  private stopped = false;
  private current: ConsumerMessages | null = null;
  private loop: Promise<void> | null = null;
  private readonly abort = new AbortController();
  /** How many times the consume loop was (re)started; useful to see the watchdog at work. */
  restarts = 0;

  constructor(private readonly options: ConsumerRunnerOptions<H>) {
    this.logger = (options.logger ?? defaultLogger("consumer")).child({ handler: options.handler.name });
    this.concurrency = options.concurrency ?? 8;
    this.semaphore = new Semaphore(this.concurrency);
    this.processor = new MessageProcessor({
      handler: options.handler,
      ledger: options.ledger,
      maxAttempts: options.maxAttempts ?? 5,
      backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
      ackWaitMs: options.ackWaitMs ?? 30_000,
      logger: this.logger,
      ...(options.hooks ? { hooks: options.hooks } : {}),
    });
  }

  get durable(): string {
    return this.options.durable ?? this.options.handler.name;
  }

  /** Create the durable consumer (idempotent). */
  async ensure(): Promise<void> {
    const prefix = this.options.prefix ?? EVENTS_SUBJECT_PREFIX;
    await ensureDurableConsumer(this.options.jsm, {
      stream: this.options.stream,
      durable: this.durable,
      filterSubject: `${prefix}.${this.options.handler.subjectFilter ?? ">"}`,
      maxDeliver: (this.options.maxAttempts ?? 5) + 1,
      ackWaitMs: this.options.ackWaitMs ?? 30_000,
      maxAckPending: Math.max(1_000, this.concurrency * 4),
      ...(this.options.startFrom ? { startFrom: this.options.startFrom } : {}),
    });
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.run();
  }

  /** Stop pulling, let running handlers finish, and return. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.current?.stop();
    await this.loop;
    await this.semaphore.drain(this.concurrency);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.consumeOnce();
        failures = 0;
      } catch (err) {
        failures += 1;
        const delay = backoffDelay(failures, 250, 5_000);
        this.logger.warn({ err: errorMessage(err), delay }, "consume loop failed; retrying");
        await sleep(delay, this.abort.signal);
      }
    }
  }

  /** Events per transaction for a batching handler (with a ledger that can batch), else 1. */
  private get batchMax(): number {
    const max = this.options.handler.batch?.max ?? 1;
    return this.options.ledger.applyBatch && max > 1 ? Math.floor(max) : 1;
  }

  private async consumeOnce(): Promise<void> {
    await this.ensure();
    const consumer = await this.options.js.consumers.get(this.options.stream, this.durable);
    const messages = await consumer.consume({
      max_messages: this.concurrency * 2 * this.batchMax,
      idle_heartbeat: this.options.idleHeartbeatMs ?? 5_000,
      expires: this.options.expiresMs ?? 30_000,
    });
    this.current = messages;
    this.restarts += 1;
    if (this.stopped) messages.stop();
    void this.watch(messages);
    if (this.batchMax > 1) {
      await this.consumeBatches(messages);
      return;
    }
    for await (const m of messages) {
      await this.semaphore.acquire();
      void this.processor
        .process(m)
        .catch((err: unknown) => this.logger.error({ err: errorMessage(err), seq: m.seq }, "message processing failed"))
        .finally(() => this.semaphore.release());
    }
  }

  /**
   * A batching handler's loop: messages that arrive together (already pulled, up to `batchMax`) form one
   * batch; a batch is handed on when it is full or when no further message is waiting (checked on the
   * next macrotask, so a lone message waits for nothing).
   */
  private async consumeBatches(messages: ConsumerMessages): Promise<void> {
    let batch: JsMsg[] = [];
    let flushQueued = false;
    const dispatch = async (): Promise<void> => {
      if (batch.length === 0) return;
      const taken = batch;
      batch = [];
      await this.semaphore.acquire();
      void this.processor
        .processBatch(taken)
        .catch((err: unknown) => this.logger.error({ err: errorMessage(err), seqs: taken.map((m) => m.seq) }, "batch processing failed"))
        .finally(() => this.semaphore.release());
    };
    // A batch handed on by the timer holds the loop until it has a permit, as a full one does.
    let handedOn: Promise<void> = Promise.resolve();
    for await (const m of messages) {
      await handedOn;
      batch.push(m);
      if (batch.length >= this.batchMax) {
        await dispatch();
      } else if (!flushQueued) {
        flushQueued = true;
        setImmediate(() => {
          flushQueued = false;
          handedOn = dispatch();
        });
      }
    }
    await handedOn;
    await dispatch();
  }

  /** The heartbeat watchdog: a stalled or orphaned consume is stopped, and the outer loop starts over. */
  private async watch(messages: ConsumerMessages): Promise<void> {
    for await (const s of messages.status()) {
      const stalled =
        (s.type === "heartbeats_missed" && s.count >= 2) || s.type === "consumer_deleted" || s.type === "consumer_not_found";
      if (stalled) {
        this.logger.warn({ status: s.type }, "consumer stalled; re-creating");
        messages.stop();
        return;
      }
    }
  }
}
