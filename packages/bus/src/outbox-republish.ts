import type { JetStreamClient } from "@nats-io/jetstream";
import { EVENTS_SUBJECT_PREFIX, safeParseEnvelope, type TEnvelope } from "@spine/contracts";
import { BusError } from "./errors.ts";
import type { OutboxCursor, OutboxStore } from "./ports.ts";
import { publishEnvelope } from "./publisher.ts";

export interface RepublishRange {
  /** Rows created at or after this instant. */
  since?: Date;
  /** Rows created before this instant. */
  until?: Date;
  /** Exactly these event ids. */
  ids?: string[];
  /**
   * Required with `since`/`until`. Rows older than the stream's duplicate window are stored in the
   * stream a second time: plain subscribers (tails, realtime fan-out) see them twice; consumers dedupe.
   */
  force?: boolean;
}

export interface RepublishOptions extends RepublishRange {
  /** The outbox (port; system scope). */
  store: OutboxStore;
  js: JetStreamClient;
  prefix?: string;
  batchSize?: number;
}

export interface RepublishResult {
  published: number;
  /** Dropped by the stream because the event_id was already there inside the duplicate window. */
  duplicates: number;
  /** Rows whose envelope does not parse. */
  skipped: number;
  /** Rows in the range the relay has not published yet: left to the relay, never sent from here. */
  unpublished: number;
}

/**
 * Publish the kept, already published outbox rows of a range again (same msgID = event_id), to fill
 * holes (a stream restored from backup, a purged subject). Rows the relay has not published yet are
 * never sent from here: they are the relay's, and it publishes each once.
 *
 * Inside the stream's duplicate window the stream drops a re-send; outside it the stream stores the
 * event again. Consumers apply it once (`job_runs`), plain subscribers see it twice, so a time range
 * needs `force: true`; `ids` name exactly the rows to send and need no flag.
 */
export async function republishOutbox(options: RepublishOptions): Promise<RepublishResult> {
  if (!options.since && !options.until && !options.ids?.length) {
    throw new BusError("CONFIG", "republish needs a range: since, until or ids");
  }
  if ((options.since || options.until) && options.force !== true) {
    throw new BusError(
      "CONFIG",
      "republishing a time range needs force: rows older than the stream's duplicate window are stored again and plain subscribers see them twice (consumers dedupe); name rows with ids instead",
    );
  }
  const result: RepublishResult = { published: 0, duplicates: 0, skipped: 0, unpublished: 0 };
  const batchSize = options.batchSize ?? 500;
  let after: OutboxCursor | null = null;
  const range = { ...(options.since ? { since: options.since } : {}), ...(options.until ? { until: options.until } : {}), ...(options.ids ? { ids: options.ids } : {}) };
  for (;;) {
    const rows = await options.store.readRange(range, after, batchSize);
    const acks = await Promise.all(
      rows.map(async (row) => {
        if (!row.published) return "unpublished" as const;
        if (!safeParseEnvelope(row.envelope).ok) return "skipped" as const;
        const ack = await publishEnvelope(options.js, row.envelope as TEnvelope, { prefix: options.prefix ?? EVENTS_SUBJECT_PREFIX });
        return ack.duplicate ? ("duplicate" as const) : ("published" as const);
      }),
    );
    for (const a of acks) {
      if (a === "unpublished") result.unpublished += 1;
      else if (a === "skipped") result.skipped += 1;
      else if (a === "duplicate") result.duplicates += 1;
      else result.published += 1;
    }
    const last = rows.at(-1);
    if (!last || rows.length < batchSize) return result;
    after = last.cursor;
  }
}
