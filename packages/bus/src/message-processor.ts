import type { JsMsg } from "@nats-io/jetstream";
import { safeParseEnvelope, type AnyEnvelope, type EventType } from "@spine/contracts";
import { applyOnce, jobRunOf, type ApplyOutcome } from "./apply-once.ts";
import { errorMessage } from "./errors.ts";
import { handlesType, type EventHandler } from "./handler.ts";
import type { Logger } from "./logger.ts";
import type { JobLedger, JobRunStart } from "./ports.ts";

export interface ProcessorHooks {
  /** Called after the handler's transaction committed and before the ack (metrics, crash tests). */
  afterCommit?(envelope: AnyEnvelope, outcome: ApplyOutcome): void | Promise<void>;
  /** Observer: an attempt failed and the message will be redelivered after a backoff. */
  onRetry?(attempt: number): void;
  /** Observer: the message was dead-lettered (the row is written and the message termed). */
  onDeadLetter?(): void;
}

export interface MessageProcessorOptions<H> {
  handler: EventHandler<EventType, H>;
  ledger: JobLedger<H>;
  /** Handler attempts before the message is dead-lettered. */
  maxAttempts: number;
  /** Delay before attempt n+1 is `backoffMs[n-1]` (last value repeats). */
  backoffMs: readonly number[];
  ackWaitMs: number;
  logger: Logger;
  hooks?: ProcessorHooks;
}

function decode(m: JsMsg): unknown {
  const text = m.string();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { raw: text };
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** One message: parse, apply once, then ack, nak with backoff, or dead-letter and term. */
export class MessageProcessor<H> {
  constructor(private readonly options: MessageProcessorOptions<H>) {}

  async process(m: JsMsg): Promise<void> {
    const { handler, logger } = this.options;
    const attempt = m.info.deliveryCount;
    const data = decode(m);
    const parsed = safeParseEnvelope(data);
    if (!parsed.ok) {
      await this.deadLetterRaw(m, data, parsed.error.message, attempt);
      return;
    }
    const envelope = parsed.envelope;
    if (!handlesType(handler, envelope.event_type)) {
      m.ack();
      return;
    }
    const log = logger.child({ handler: handler.name, event_id: envelope.event_id, correlation_id: envelope.correlation_id, attempt });
    if (attempt > this.options.maxAttempts) {
      // Only reachable when the process died during the final attempt: dead-letter without running again.
      await this.deadLetter(m, data, envelope, "delivery limit reached (the final attempt did not finish)", attempt - 1, 0);
      return;
    }
    const started = performance.now();
    const keepAlive = setInterval(() => m.working(), Math.max(500, this.options.ackWaitMs / 2));
    try {
      const outcome = await applyOnce(this.options.ledger, handler, envelope, attempt, log);
      await this.options.hooks?.afterCommit?.(envelope, outcome);
      m.ack();
      if (outcome === "duplicate") log.info("duplicate delivery skipped");
    } catch (err) {
      const durationMs = Math.round(performance.now() - started);
      await this.fail(m, data, envelope, errorMessage(err), attempt, durationMs, log);
    } finally {
      clearInterval(keepAlive);
    }
  }

  /**
   * Messages of a batching handler (`handler.batch`): the first deliveries of valid envelopes it handles go
   * through the ledger's `applyBatch`, one transaction per workspace, and are acked after it commits.
   * Everything else — redeliveries, invalid envelopes, other types, a lone message, and every message of
   * a batch that failed — goes through `process`, one at a time, as without batching.
   */
  async processBatch(messages: readonly JsMsg[]): Promise<void> {
    const { handler, ledger, logger } = this.options;
    const groups = new Map<string | null, { m: JsMsg; envelope: AnyEnvelope; run: JobRunStart }[]>();
    const single: JsMsg[] = [];
    for (const m of ledger.applyBatch && messages.length > 1 ? messages : []) {
      const parsed = m.info.deliveryCount === 1 ? safeParseEnvelope(decode(m)) : null;
      const run = parsed?.ok && handlesType(handler, parsed.envelope.event_type) ? jobRunOf(handler, parsed.envelope, 1) : null;
      if (!parsed?.ok || !run || run.mayHaveRun) {
        single.push(m);
        continue;
      }
      const group = groups.get(run.workspaceId) ?? [];
      group.push({ m, envelope: parsed.envelope, run });
      groups.set(run.workspaceId, group);
    }
    if (!ledger.applyBatch || messages.length < 2) single.push(...messages);
    for (const group of groups.values()) {
      if (group.length === 1 || !ledger.applyBatch) {
        single.push(...group.map((g) => g.m));
        continue;
      }
      const keepAlive = setInterval(() => group.forEach((g) => g.m.working()), Math.max(500, this.options.ackWaitMs / 2));
      try {
        await ledger.applyBatch(
          group.map((g) => g.run),
          (op, i) => {
            const { envelope } = group[i]!;
            const log = logger.child({ handler: handler.name, event_id: envelope.event_id, correlation_id: envelope.correlation_id, attempt: 1 });
            return handler.handle(envelope, { op, logger: log, attempt: 1 });
          },
        );
      } catch (err) {
        logger.warn({ handler: handler.name, err: errorMessage(err), events: group.length }, "batch failed; applying its events one at a time");
        single.push(...group.map((g) => g.m));
        continue;
      } finally {
        clearInterval(keepAlive);
      }
      for (const { m, envelope } of group) {
        await this.options.hooks?.afterCommit?.(envelope, "applied");
        m.ack();
      }
    }
    for (const m of single) await this.process(m);
  }

  private async fail(m: JsMsg, data: unknown, envelope: AnyEnvelope, error: string, attempt: number, durationMs: number, log: Logger): Promise<void> {
    if (attempt >= this.options.maxAttempts) {
      log.error({ err: error }, "handler failed for the last time; dead-lettering");
      await this.deadLetter(m, data, envelope, error, attempt, durationMs);
      return;
    }
    const backoff = this.options.backoffMs;
    const delay = backoff[Math.min(attempt - 1, backoff.length - 1)] ?? 1_000;
    log.warn({ err: error, delay }, "handler failed; will retry");
    this.options.hooks?.onRetry?.(attempt);
    try {
      await this.options.ledger.recordFailure({ ...jobRunOf(this.options.handler, envelope, attempt), status: "failed", error, durationMs });
    } catch (recordErr) {
      log.error({ err: errorMessage(recordErr) }, "could not record the failed attempt");
    }
    m.nak(delay);
  }

  private async deadLetter(m: JsMsg, data: unknown, envelope: AnyEnvelope, error: string, attempts: number, durationMs: number): Promise<void> {
    const handler = this.options.handler;
    const run = { ...jobRunOf(handler, envelope, attempts), status: "dead" as const, error, durationMs };
    await this.bookkeep(m, () =>
      this.options.ledger.deadLetter(
        {
          handler: handler.name, workspaceId: envelope.workspace_id, eventId: envelope.event_id, eventType: envelope.event_type,
          subject: m.subject, envelope: data, error, attempts, streamSeq: m.seq,
        },
        run,
      ),
    );
  }

  private async deadLetterRaw(m: JsMsg, data: unknown, error: string, attempt: number): Promise<void> {
    const record = typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {};
    this.options.logger.error({ handler: this.options.handler.name, subject: m.subject, seq: m.seq, err: error }, "invalid envelope; dead-lettering");
    await this.bookkeep(m, () =>
      this.options.ledger.deadLetter(
        {
          handler: this.options.handler.name, workspaceId: stringOrNull(record.workspace_id), eventId: stringOrNull(record.event_id),
          eventType: stringOrNull(record.event_type), subject: m.subject, envelope: data, error, attempts: attempt, streamSeq: m.seq,
        },
        null,
      ),
    );
  }

  /** Write the dead letter, then term; if the write fails the message comes back later instead. */
  private async bookkeep(m: JsMsg, write: () => Promise<void>): Promise<void> {
    try {
      await write();
      m.term("dead-lettered");
      this.options.hooks?.onDeadLetter?.();
    } catch (err) {
      this.options.logger.error({ err: errorMessage(err), seq: m.seq }, "could not write the dead letter; retrying later");
      m.nak(this.options.backoffMs.at(-1) ?? 5_000);
    }
  }
}
