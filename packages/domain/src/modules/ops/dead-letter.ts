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

/** A `dead_letter_jobs` row as stored. */
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
  /** A workspace owner asked for a replay (`deadLetter.replay`); the worker clears it when it has tried. */
  replay_requested_at: Date | null;
  replay_requested_by: string | null;
  created_at: Date;
}
