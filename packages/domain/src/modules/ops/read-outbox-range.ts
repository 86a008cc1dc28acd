import type { Tx } from "../../reads/pg-tx-runner.ts";

export interface OutboxRange {
  /** Rows created at or after this instant. */
  since?: Date;
  /** Rows created before this instant. */
  until?: Date;
  /** Exactly these event ids. */
  ids?: readonly string[];
}

/** Keyset position after the last row of a page. */
export interface OutboxCursor {
  /** Text keeps Postgres's microseconds, which a JS Date would round away. */
  createdAt: string;
  id: string;
}

export interface OutboxRangeRow {
  id: string;
  published: boolean;
  envelope: unknown;
  cursor: OutboxCursor;
}

/** One page (in `created_at, id` order) of the outbox rows of a range, for re-publishing (system role). */
export async function readOutboxRange(q: Tx, range: OutboxRange, after: OutboxCursor | null, limit: number): Promise<OutboxRangeRow[]> {
  const { rows } = await q.query<{ id: string; cursor_at: string; published: boolean; envelope: unknown }>(
    `select id, created_at::text as cursor_at, published_at is not null as published, envelope from outbox
     where ($1::timestamptz is null or created_at >= $1) and ($2::timestamptz is null or created_at < $2)
       and ($3::uuid[] is null or id = any($3))
       and ($4::timestamptz is null or (created_at, id) > ($4, $5::uuid))
     order by created_at, id limit $6`,
    [range.since ?? null, range.until ?? null, range.ids ?? null, after?.createdAt ?? null, after?.id ?? null, limit],
  );
  return rows.map((r) => ({ id: r.id, published: r.published, envelope: r.envelope, cursor: { createdAt: r.cursor_at, id: r.id } }));
}
