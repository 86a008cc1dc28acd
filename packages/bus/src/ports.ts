/**
 * The bus's ports: everything it needs from the database, as interfaces. The bus never speaks SQL and
 * depends on neither `pg` nor the domain; `apps/worker` implements these ports with the domain's
 * use-cases (`apps/worker/src/wiring.ts`) and passes them in.
 */

/** One consumer operation: its bookkeeping row is unique by (handler, operation key). */
export interface JobRunStart {
  handler: string;
  operationKey: string;
  /** Scope of the operation: the envelope's workspace, or null for system events. */
  workspaceId: string | null;
  eventId: string | null;
  eventType: string | null;
  correlationId: string;
  /** 1 on the first delivery. */
  attempt: number;
  /**
   * The operation may already have succeeded: a redelivery, or a handler's own operation key (several
   * events may share one). The ledger then checks before running the handler, instead of only after.
   */
  mayHaveRun?: boolean;
}

export interface JobRunFailure extends JobRunStart {
  status: "failed" | "dead";
  error: string;
  durationMs: number;
}

export type ApplyOutcome = "applied" | "duplicate";

export interface DeadLetterInput {
  handler: string;
  /** Ids as read from the message; the store keeps only well-formed ones. */
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

/**
 * Port: the consumers' exactly-once bookkeeping. `H` is the handle a handler's effects go through
 * (in Spine, the domain's `Operation`).
 */
export interface JobLedger<H = unknown> {
  /**
   * One transaction in the run's scope: run `apply` with the transaction's handle, then record the
   * operation as succeeded — the effects and the row commit together. If the operation had already
   * succeeded (a concurrent delivery waits on the row until the first one commits) the effects roll back
   * and the outcome is `duplicate`. With `run.mayHaveRun` a finished operation is skipped before `apply`.
   */
  applyOnce(run: JobRunStart, apply: (handle: H) => Promise<void>): Promise<ApplyOutcome>;
  /**
   * Optional, for handlers with `batch`: one transaction in the runs' one scope (every run has the same
   * workspace and none `mayHaveRun`) that runs `apply` for each run in order and records them all as
   * succeeded. All or nothing: it throws — and commits nothing — if an `apply` throws or any run had
   * already succeeded; the caller then applies the runs one at a time with `applyOnce`.
   */
  applyBatch?(runs: JobRunStart[], apply: (handle: H, index: number) => Promise<void>): Promise<void>;
  /** Record a failed attempt (its effects rolled back) in a transaction of its own; never downgrades a success. */
  recordFailure(run: JobRunFailure): Promise<void>;
  /**
   * One transaction: record the run as `dead` (when the envelope was valid) and insert the dead letter;
   * idempotent per handler and stream sequence.
   */
  deadLetter(letter: DeadLetterInput, run: JobRunFailure | null): Promise<void>;
}

/** What a replay needs of a dead letter. */
export interface DeadLetter {
  id: string;
  handler: string;
  envelope: unknown;
  attempts: number;
  replay_attempts: number;
  status: "dead" | "replayed";
}

export type ReplayTarget = { id: string } | { handler: string };

/** How a replay attempt is recorded on the dead letter. */
export type ReplayRecord = { replayed: true } | { error: string };

/** Port: dead letters for replay. */
export interface DeadLetterStore {
  /** One id (throws if it does not exist), or every `dead` letter of a handler, oldest first. */
  findIds(target: ReplayTarget): Promise<string[]>;
  /**
   * One transaction: lock the dead letter (null if another replay holds it), let `replay` run, and
   * store what it returns as `record` before committing.
   */
  withLocked<T>(id: string, replay: (letter: DeadLetter | null) => Promise<{ result: T; record?: ReplayRecord }>): Promise<T>;
}

/** A claimed outbox row: `id` is the envelope's event id; the subject comes from its columns. */
export interface OutboxRow {
  id: string;
  workspaceId: string | null;
  eventType: string;
  /** The stored envelope, as JSON text: published as it is. */
  data: string;
  /** Validated against its contract when stored; otherwise the relay validates it before publishing. */
  validated: boolean;
  /** The envelope's event_id, workspace_id and event_type are the row's id, workspace and type. */
  matchesRow: boolean;
}

export interface OutboxRowError {
  id: string;
  error: string;
}

export interface OutboxBatchOutcome {
  publishedIds: string[];
  /** Publish failed: the rows stay unpublished with their error. */
  failures: OutboxRowError[];
  /** The stored envelope does not parse or does not match its row: marked rejected, never claimed again. */
  rejections: OutboxRowError[];
}

export interface OutboxRange {
  since?: Date;
  until?: Date;
  ids?: string[];
}

export interface OutboxCursor {
  createdAt: string;
  id: string;
}

export interface OutboxRangeRow {
  id: string;
  /** The relay has published the row (unpublished rows are the relay's, never re-sent from a range). */
  published: boolean;
  envelope: unknown;
  cursor: OutboxCursor;
}

/** Port: the transactional outbox. */
export interface OutboxStore {
  /**
   * One transaction: claim up to `limit` committed, unpublished, not rejected rows, oldest first, so that
   * side-by-side relays never claim the same row; hand them to `publish`; record its outcome; commit.
   * Returns how many rows were claimed.
   */
  relayBatch(limit: number, publish: (rows: OutboxRow[]) => Promise<OutboxBatchOutcome>): Promise<number>;
  /** One page of a range (`created_at, id` order) after `cursor`. */
  readRange(range: OutboxRange, after: OutboxCursor | null, limit: number): Promise<OutboxRangeRow[]>;
}

/** Port: wake-ups when rows are committed (a hint only; the relay also polls). */
export interface OutboxWakeups {
  start(onWake: () => void): Promise<void>;
  stop(): Promise<void>;
}
