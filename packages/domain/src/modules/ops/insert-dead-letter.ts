import type { Operation } from "../../operation/operation.ts";
import type { DeadLetterInput } from "./dead-letter.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Keep only a well-formed uuid (an invalid envelope's ids may be anything). */
function uuidOrNull(value: string | null): string | null {
  return value !== null && UUID.test(value) ? value : null;
}

/**
 * Insert a dead letter (system operation). Idempotent per handler and stream sequence, so a crash between
 * this commit and the message's `term` does not leave two rows. Returns the row id, or null if it existed.
 */
export async function insertDeadLetter(op: Operation, input: DeadLetterInput): Promise<string | null> {
  const rows = await op.em.execute<{ id: string }[]>(
    `insert into dead_letter_jobs (id, workspace_id, handler, event_id, event_type, subject, envelope, error, attempts, stream_seq)
     select gen_random_uuid(), (select id from workspaces where id = ?), ?, ?, ?, ?, ?, ?, ?, ?
     where ?::bigint is null or not exists (
       select 1 from dead_letter_jobs where handler = ? and stream_seq = ? and status = 'dead')
     returning id`,
    [uuidOrNull(input.workspaceId), input.handler, uuidOrNull(input.eventId), input.eventType?.slice(0, 200) ?? null, input.subject,
      JSON.stringify(input.envelope), input.error.slice(0, 4000), input.attempts, input.streamSeq, input.streamSeq, input.handler, input.streamSeq],
  );
  return rows[0]?.id ?? null;
}
