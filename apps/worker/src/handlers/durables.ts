/**
 * The worker's durable consumers (one per handler, named after it). infra/nats/users.conf allows the
 * `worker` user these and no other consumer; the worker's NATS test checks they match its handlers.
 */
export const WORKER_DURABLES: readonly string[] = ["usage-metering", "ai-document-ingestion", "integration-events"];

/** The worker's durables on the JOBS work queue (`job.>`, which the `worker` user may publish: its sync scheduler). */
export const WORKER_JOB_DURABLES: readonly string[] = ["integration-sync"];
