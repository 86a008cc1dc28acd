import type { NatsConnection } from "@nats-io/nats-core";
import { EVENTS_SUBJECT_PREFIX, safeParseEnvelope, subjectFor } from "@spine/contracts";
import { BusError, errorMessage } from "./errors.ts";
import { defaultLogger, type Logger } from "./logger.ts";
import type { OutboxBatchOutcome, OutboxRow, OutboxStore, OutboxWakeups } from "./ports.ts";
import { publishPipelined, type PipelinedMessage } from "./pipelined-publish.ts";
import { backoffDelay, sleep } from "./sleep.ts";

export interface OutboxRelayOptions {
  /** The outbox (port; the system scope: the relay reads every workspace's rows). */
  store: OutboxStore;
  /** The connection it publishes on (JetStream publishes with `Nats-Msg-Id`, acks on its own inbox). */
  nc: NatsConnection;
  /** Wake-ups on commit (port, e.g. LISTEN/NOTIFY); without it the relay only polls. */
  wakeups?: OutboxWakeups;
  prefix?: string;
  /** Rows per claim (default 1,000). */
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
 * commits late is never skipped), published pipelined with msgID = event_id (`publishPipelined`: one
 * reply subscription per batch instead of a request per row), and marked published in the same
 * transaction once their acks are in. A crash before the commit means a re-send, which
 * the stream's duplicate window drops.
 *
 * A row is published as stored: its envelope's JSON text, on the subject made of its columns, after a
 * guard in the claim's SQL checked that the envelope names the row's id, workspace and type. Rows
 * `op.emit` stored were validated then; any other row is parsed and validated here first, and one that
 * fails (or fails the guard) is set aside with `rejected_at`. While one batch waits for its acks, the next
 * batch is claimed and sent (at most two transactions at once).
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
    this.batchSize = options.batchSize ?? 1_000;
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

  /** Publish until no full batch is left (or a publish failed); returns how many rows were published. */
  async drain(): Promise<number> {
    return (await this.drainBatches()).published;
  }

  /**
   * Batches back to back while they come full: the next claim starts as soon as the current batch's
   * publishes are sent, and its own publishes go out while the current one's acks arrive.
   */
  private async drainBatches(): Promise<{ published: number; failed: number }> {
    let published = 0;
    let failed = 0;
    let previous: Promise<RelayBatchResult> | null = null;
    try {
      for (;;) {
        const next = this.startBatch();
        const claimed = await next.sent;
        const before = previous;
        previous = next.result;
        if (before) {
          const done = await before;
          published += done.published;
          failed += done.failed;
        }
        if (failed > 0 || claimed < this.batchSize || this.abort.signal.aborted) break;
      }
      const last = await previous;
      previous = null;
      return { published: published + last.published, failed: failed + last.failed };
    } finally {
      // On an error, the batch still in flight finishes (commits or rolls back) before the caller goes on.
      await previous?.catch(() => undefined);
    }
  }

  /** One batch; `sent` resolves with how many rows it claimed once their publishes are sent. */
  private startBatch(): { sent: Promise<number>; result: Promise<RelayBatchResult> } {
    let onSent: (claimed: number) => void = () => undefined;
    const sent = new Promise<number>((resolve) => (onSent = resolve));
    const result = this.relayBatch(onSent);
    result.then((r) => onSent(r.claimed), () => onSent(0));
    return { sent, result };
  }

  private async run(): Promise<void> {
    let failures = 0;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      this.wakeRequested = false;
      try {
        const { failed } = await this.drainBatches();
        if (failed > 0) throw new Error(`${failed} publishes failed`);
        failures = 0;
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

  /**
   * Claim one batch, publish it, and mark what was acked; one transaction (the store's). `onSent` is told
   * the batch's size once its publishes are sent.
   */
  async relayBatch(onSent?: (claimed: number) => void): Promise<RelayBatchResult> {
    let outcome: OutboxBatchOutcome = { publishedIds: [], failures: [], rejections: [] };
    let duplicates = 0;
    const claimed = await this.options.store.relayBatch(this.batchSize, async (rows) => {
      const published = await this.publishRows(rows, onSent);
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

  /** Why a row may not be published as stored, or null. */
  private rejection(row: OutboxRow): string | null {
    if (!row.matchesRow) return "invalid envelope: its event_id, workspace_id or event_type is not the outbox row's";
    if (row.validated) return null;
    let data: unknown;
    try {
      data = JSON.parse(row.data);
    } catch (err) {
      return `invalid envelope: ${errorMessage(err)}`;
    }
    const parsed = safeParseEnvelope(data);
    return parsed.ok ? null : parsed.error.message;
  }

  private async publishRows(rows: OutboxRow[], onSent?: (claimed: number) => void): Promise<{ outcome: OutboxBatchOutcome; duplicates: number }> {
    const outcome: OutboxBatchOutcome = { publishedIds: [], failures: [], rejections: [] };
    const messages: PipelinedMessage[] = [];
    for (const row of rows) {
      const rejected = this.rejection(row);
      if (rejected) {
        outcome.rejections.push({ id: row.id, error: rejected });
        this.logger.error({ event_id: row.id, err: rejected }, "outbox row holds an invalid envelope; not published");
        continue;
      }
      // Published as stored (consumers upcast old versions themselves), with msgID = event_id = row id.
      messages.push({ subject: subjectFor(row.workspaceId, row.eventType, this.prefix), data: row.data, msgId: row.id });
    }
    const results = await publishPipelined(this.options.nc, messages, {
      timeoutMs: this.options.publishTimeoutMs ?? 5_000,
      onSent: () => onSent?.(rows.length),
    });
    let duplicates = 0;
    for (let i = 0; i < results.length; i++) {
      const { msgId: id, subject } = messages[i]!;
      const result = results[i]!;
      if (result.ok) {
        outcome.publishedIds.push(id);
        if (result.duplicate) duplicates += 1;
      } else {
        outcome.failures.push({ id, error: BusError.publishFailed(subject, result.error).message });
      }
    }
    return { outcome, duplicates };
  }
}
