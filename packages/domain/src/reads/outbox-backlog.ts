import type pg from "pg";

export interface OutboxBacklog {
  /** Committed outbox rows not yet published (rows the relay rejected for an invalid envelope are left out: they never will be). */
  rows: number;
  /** Age of the oldest of them in seconds; 0 when there is none. */
  oldestAgeSeconds: number;
}

/** The relay's lag: what is waiting in the outbox and for how long (system role; one index scan). */
export async function outboxBacklog(pool: pg.Pool): Promise<OutboxBacklog> {
  const { rows } = await pool.query<{ rows: number; age: number }>(
    `select count(*)::int as rows, coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as age
       from outbox where published_at is null and rejected_at is null`,
  );
  return { rows: rows[0]?.rows ?? 0, oldestAgeSeconds: Math.max(0, rows[0]?.age ?? 0) };
}
