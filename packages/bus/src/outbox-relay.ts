import type { JetStreamClient } from "@nats-io/jetstream";
import { EVENTS_SUBJECT_PREFIX, safeParseEnvelope, type TEnvelope } from "@spine/contracts";
import { errorMessage } from "./errors.ts";
import { defaultLogger, type Logger } from "./logger.ts";
import type { OutboxBatchOutcome, OutboxRow, OutboxStore, OutboxWakeups } from "./ports.ts";
import { publishEnvelope } from "./publisher.ts";
import { backoffDelay, sleep } from "./sleep.ts";

export interface OutboxRelayOptions {
  /** The outbox (port; the system scope: the relay reads every workspace's rows). */
  store: OutboxStore;
  js: JetStreamClient;
  /** Wake-ups on commit (port, e.g. LISTEN/NOTIFY); without it the relay only polls. */
  wakeups?: OutboxWakeups;
  prefix?: string;
  batchSize?: number;
  pollIntervalMs?: number;
  publishTimeoutMs?: number;
  /** Backoff while NATS (or Postgres) fails: base and cap, in ms. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  logger?: Logger;
  /** Observer of each committed batch (metrics); the relay never depends on it. */
  metrics?: RelayObserver;
}

export interface RelayObserver {
  batch(result: RelayBatchResult): void;
}

export interface RelayBatchResult {
  claimed: number;
  published: number;
  /** Of those, re-sends the stream dropped as duplicates (a previous relay died before marking them). */
  duplicates: number;
  /** Rows whose publish failed (NATS down, timeout); they stay unpublished. */
  failed: number;
  /** Rows whose stored envelope does not parse; never published, marked rejected with their error. */
  rejected: number;
}

/**
 * Publishes committed outbox rows to JetStream. Rows are claimed with FOR UPDATE SKIP LOCKED inside
 * a transaction (so relays can run side by side), selected by `published_at is null` (so a row that
 * commits late is never skipped), published pipelined with msgID = event_id, and marked published
 * in the same transaction once their acks are in. A crash before the commit means a re-send, which
 * the stream's duplicate window drops.
 */
export class OutboxRelay {
  private readonly logger: Logger;
  private readonly prefix: string;
  private readonly batchSize: number;
  private abort = new AbortController();
  private wakeRequested = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly options: OutboxRelayOptions) {
    this.logger = options.logger ?? defaultLogger("outbox-relay");
    this.prefix = options.prefix ?? EVENTS_SUBJECT_PREFIX;
    this.batchSize = options.batchSize ?? 500;
  }

  /** Ask the relay to look for rows now (LISTEN/NOTIFY calls this). */
  notify(): void {
    this.wakeRequested = true;
    this.wake?.();
  }

  async start(): Promise<void> {
    if (this.loop) return;
    this.abort = new AbortController();
    await this.options.wakeups?.start(() => this.notify());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.options.wakeups?.stop();
    await this.loop;
    this.loop = null;
  }

  /** Publish until no full batch is left; returns how many rows were published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.relayBatch();
      total += batch.published;
      if (batch.failed > 0 || batch.claimed < this.batchSize) return total;
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      this.wakeRequested = false;
      try {
        const batch = await this.relayBatch();
        if (batch.failed > 0) throw new Error(`${batch.failed} publishes failed`);
        failures = 0;
        if (batch.claimed >= this.batchSize) continue;
      } catch (err) {
        failures += 1;
        const delay = backoffDelay(failures, this.options.retryBaseMs ?? 200, this.options.retryMaxMs ?? 5_000);
        this.logger.warn({ err: errorMessage(err), failures, delay }, "outbox relay backing off");
        await sleep(delay, signal);
        continue;
      }
      await this.idle(signal);
    }
  }

  private async idle(signal: AbortSignal): Promise<void> {
    if (this.wakeRequested || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.options.pollIntervalMs ?? 1_000);
      this.wake = done;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
    this.wake = null;
  }

  /** Claim one batch, publish it, and mark what was acked; one transaction (the store's). */
  async relayBatch(): Promise<RelayBatchResult> {
    let outcome: OutboxBatchOutcome = { publishedIds: [], failures: [], rejections: [] };
    let duplicates = 0;
    const claimed = await this.options.store.relayBatch(this.batchSize, async (rows) => {
      const published = await this.publishRows(rows);
      outcome = published.outcome;
      duplicates = published.duplicates;
      return outcome;
    });
    if (duplicates > 0) this.logger.info({ duplicates }, "re-sent events dropped by the stream as duplicates");
    const batch: RelayBatchResult = {
      claimed,
      published: outcome.publishedIds.length,
      duplicates,
      failed: outcome.failures.length,
      rejected: outcome.rejections.length,
    };
    this.options.metrics?.batch(batch);
    return batch;
  }

  private async publishRows(rows: OutboxRow[]): Promise<{ outcome: OutboxBatchOutcome; duplicates: number }> {
    const outcome: OutboxBatchOutcome = { publishedIds: [], failures: [], rejections: [] };
    let duplicates = 0;
    const pending: Promise<void>[] = [];
    for (const row of rows) {
      const parsed = safeParseEnvelope(row.envelope);
      if (!parsed.ok) {
        outcome.rejections.push({ id: row.id, error: parsed.error.message });
        this.logger.error({ event_id: row.id, err: parsed.error.message }, "outbox row holds an invalid envelope; not published");
        continue;
      }
      // Publish the envelope as stored (it parsed above); consumers upcast old versions themselves.
      const envelope = row.envelope as TEnvelope;
      pending.push(
        publishEnvelope(this.options.js, envelope, { prefix: this.prefix, timeoutMs: this.options.publishTimeoutMs ?? 5_000 }).then(
          (ack) => {
            outcome.publishedIds.push(row.id);
            if (ack.duplicate) duplicates += 1;
          },
          (err: unknown) => void outcome.failures.push({ id: row.id, error: errorMessage(err) }),
        ),
      );
    }
    await Promise.all(pending);
    return { outcome, duplicates };
  }
}
