// Use-cases of the ops module (compliance, consumer bookkeeping, API idempotency), one per file.
export * from "./purge-record.ts";
export * from "./record-system-audit.ts";
export * from "./job-run.ts";
export * from "./claim-job-run.ts";
export * from "./complete-job-run.ts";
export * from "./record-job-failure.ts";
export * from "./dead-letter.ts";
export * from "./insert-dead-letter.ts";
export * from "./list-dead-letters.ts";
export * from "./find-dead-letter-ids.ts";
export * from "./lock-dead-letter.ts";
export * from "./record-dead-letter-replay.ts";
export * from "./claim-idempotency-key.ts";
export * from "./store-idempotent-response.ts";
export * from "./release-idempotency-key.ts";
export * from "./retention/index.ts";
export * from "./nats-tools.ts";
