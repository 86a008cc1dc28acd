import type { JetStreamClient } from "@nats-io/jetstream";
import { EVENTS_SUBJECT_PREFIX, safeParseEnvelope, type TEnvelope } from "@spine/contracts";
import type pg from "pg";
import { BusError } from "./errors.ts";
import { publishEnvelope } from "./publisher.ts";

export interface RepublishRange {
  /** Rows created at or after this instant. */
  since?: Date;
  /** Rows created before this instant. */
  until?: Date;
  /** Exactly these event ids. */
  ids?: string[];
}

export interface RepublishOptions extends RepublishRange {
  pool: pg.Pool;
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
}

interface Row {
  id: string;
  /** Text keeps Postgres's microseconds, which a JS Date would round away. */
  cursor_at: string;
  envelope: unknown;
}

/**
 * Publish the kept outbox rows of a range again (same msgID = event_id). Inside the duplicate window
 * the stream drops them, so this only fills holes (a stream restored from backup, a purged subject).
 */
export async function republishOutbox(options: RepublishOptions): Promise<RepublishResult> {
  if (!options.since && !options.until && !options.ids?.length) {
    throw new BusError("CONFIG", "republish needs a range: since, until or ids");
  }
  const result: RepublishResult = { published: 0, duplicates: 0, skipped: 0 };
  const batchSize = options.batchSize ?? 500;
  let after = null as { createdAt: string; id: string } | null;
  for (;;) {
    const { rows }: { rows: Row[] } = await options.pool.query<Row>(
      `select id, created_at::text as cursor_at, envelope from outbox
       where ($1::timestamptz is null or created_at >= $1) and ($2::timestamptz is null or created_at < $2)
         and ($3::uuid[] is null or id = any($3))
         and ($4::timestamptz is null or (created_at, id) > ($4, $5::uuid))
       order by created_at, id limit $6`,
      [options.since ?? null, options.until ?? null, options.ids ?? null, after?.createdAt ?? null, after?.id ?? null, batchSize],
    );
    const acks = await Promise.all(
      rows.map(async (row) => {
        if (!safeParseEnvelope(row.envelope).ok) return "skipped" as const;
        const ack = await publishEnvelope(options.js, row.envelope as TEnvelope, { prefix: options.prefix ?? EVENTS_SUBJECT_PREFIX });
        return ack.duplicate ? ("duplicate" as const) : ("published" as const);
      }),
    );
    for (const a of acks) {
      if (a === "skipped") result.skipped += 1;
      else if (a === "duplicate") result.duplicates += 1;
      else result.published += 1;
    }
    const last = rows.at(-1);
    if (!last || rows.length < batchSize) return result;
    after = { createdAt: last.cursor_at, id: last.id };
  }
}
