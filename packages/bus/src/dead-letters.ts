import type { Tx } from "./tx-runner.ts";

export interface DeadLetterInput {
  handler: string;
  workspaceId: string | null;
  eventId: string | null;
  eventType: string | null;
  subject: string;
  /** The envelope as received (or `{ raw }` when it was not even JSON). */
  envelope: unknown;
  error: string;
  attempts: number;
  streamSeq: number | null;
}

export interface DeadLetterRow {
  id: string;
  workspace_id: string | null;
  handler: string;
  event_id: string | null;
  event_type: string | null;
  subject: string;
  envelope: unknown;
  error: string;
  attempts: number;
  stream_seq: string | null;
  status: "dead" | "replayed";
  replay_attempts: number;
  replayed_at: Date | null;
  replay_error: string | null;
  created_at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Keep only a well-formed uuid (an invalid envelope's ids may be anything). */
export function uuidOrNull(value: unknown): string | null {
  return typeof value === "string" && UUID.test(value) ? value : null;
}

/**
 * Insert a dead letter (system scope). Idempotent per handler and stream sequence, so a crash between
 * this commit and the message's `term` does not leave two rows. Returns the row id, or null if it existed.
 */
export async function insertDeadLetter(tx: Tx, input: DeadLetterInput): Promise<string | null> {
  const { rows } = await tx.query<{ id: string }>(
    `insert into dead_letter_jobs (id, workspace_id, handler, event_id, event_type, subject, envelope, error, attempts, stream_seq)
     select gen_random_uuid(), (select id from workspaces where id = $1), $2, $3, $4, $5, $6, $7, $8, $9
     where $9::bigint is null or not exists (
       select 1 from dead_letter_jobs where handler = $2 and stream_seq = $9 and status = 'dead')
     returning id`,
    [input.workspaceId, input.handler, input.eventId, input.eventType, input.subject, JSON.stringify(input.envelope),
      input.error.slice(0, 4000), input.attempts, input.streamSeq],
  );
  return rows[0]?.id ?? null;
}

export async function listDeadLetters(tx: Tx, filter: { handler?: string; status?: "dead" | "replayed"; limit?: number } = {}): Promise<DeadLetterRow[]> {
  const { rows } = await tx.query<DeadLetterRow>(
    `select * from dead_letter_jobs where ($1::text is null or handler = $1) and ($2::text is null or status = $2)
     order by created_at desc limit $3`,
    [filter.handler ?? null, filter.status ?? null, filter.limit ?? 100],
  );
  return rows;
}
