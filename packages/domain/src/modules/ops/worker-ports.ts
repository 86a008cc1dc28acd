/**
 * `@spine/domain/ops`: the ops use-cases the worker wires to the bus's ports, importable without
 * booting the ORM (so a relay process stays light). The outbox relay's batch (claim, record, mark), re-publishing
 * ranges and retention run on `pg` (a `Tx` of `@spine/domain/reads`: a pooled client in a transaction, or
 * a pool for autocommit statements) — a few statements per batch. Job runs and dead letters run inside a
 * domain `Operation` the caller provides (`Domain.run` / `runSystem`), so a consumer's effects and its
 * `job_runs` row are one operation.
 */
export type { ClaimedOutboxRow } from "./claim-outbox-batch.ts";
export type { OutboxBatchOutcome, OutboxRowError } from "./record-outbox-batch.ts";
export { relayOutboxBatch } from "./relay-outbox-batch.ts";
export { readOutboxRange, type OutboxCursor, type OutboxRange, type OutboxRangeRow } from "./read-outbox-range.ts";
export { deletePublishedOutbox } from "./delete-published-outbox.ts";
export { deleteExpiredIdempotencyKeys } from "./delete-expired-idempotency-keys.ts";
export { deleteOldRateLimitHits } from "./delete-old-rate-limit-hits.ts";
export { OutboxListener, OUTBOX_CHANNEL, type OutboxListenerLogger } from "./listen-outbox.ts";
export * from "./job-run.ts";
export { recordJobSuccess } from "./record-job-success.ts";
export { recordJobSuccesses } from "./record-job-successes.ts";
export { jobRunSucceeded } from "./job-run-succeeded.ts";
export { recordJobFailure } from "./record-job-failure.ts";
export * from "./dead-letter.ts";
export { insertDeadLetter } from "./insert-dead-letter.ts";
export { listDeadLetters, type DeadLetterFilter } from "./list-dead-letters.ts";
export { findDeadLetterIds } from "./find-dead-letter-ids.ts";
export { lockDeadLetter } from "./lock-dead-letter.ts";
export { recordDeadLetterReplay } from "./record-dead-letter-replay.ts";
