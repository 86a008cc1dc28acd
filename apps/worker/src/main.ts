import { Domain } from "@spine/domain";
import { appUrlFrom, createLogger, systemUrlFrom } from "@spine/logging";
import { loadAiSettings, loadWorkerEnv, selectConsumers } from "./env.ts";
import { INTEGRATION_SYNC_HANDLER } from "./handlers/integration-sync.ts";
import { createWorkerHandlers } from "./handlers/index.ts";
import { startWorker } from "./worker.ts";

const env = loadWorkerEnv();
const logger = createLogger({ name: "worker", level: env.LOG_LEVEL });
// Consumers run their operations through the domain: room for every handler's concurrency, plus retention.
const domain = await Domain.create({
  clientUrl: appUrlFrom(env.DATABASE_URL), systemUrl: systemUrlFrom(env.DATABASE_URL), poolMax: env.SPINE_CONSUMER_CONCURRENCY * 3 + 4,
  ...(env.SPINE_KEY_RING ? { keyRing: env.SPINE_KEY_RING } : {}),
});

const handlers = createWorkerHandlers({ domain, embeddings: loadAiSettings().embeddings, maxAttempts: env.SPINE_CONSUMER_MAX_ATTEMPTS });
const selected = selectConsumers(env.SPINE_WORKER_CONSUMERS, [...handlers.map((h) => h.name), INTEGRATION_SYNC_HANDLER]);

const worker = await startWorker(
  {
    databaseUrl: env.DATABASE_URL,
    natsUrl: env.NATS_URL,
    ...(env.NATS_USER ? { natsUser: env.NATS_USER, natsPassword: env.NATS_PASSWORD ?? "" } : {}),
    ...(env.NATS_RELAY_USER ? { relayNatsUser: env.NATS_RELAY_USER, relayNatsPassword: env.NATS_RELAY_PASSWORD ?? "" } : {}),
    ...(env.SPINE_GATEWAY_STREAM ? { gatewayStream: env.SPINE_GATEWAY_STREAM } : {}),
    streamReplicas: env.SPINE_STREAM_REPLICAS,
    prefix: env.SPINE_SUBJECT_PREFIX,
    stream: env.SPINE_EVENTS_STREAM,
    duplicateWindowMs: env.SPINE_DUPLICATE_WINDOW_MS,
    eventsMaxAgeMs: env.SPINE_EVENTS_MAX_AGE_MS,
    outboxReplayWindowMs: env.SPINE_OUTBOX_REPLAY_WINDOW_MS,
    retentionIntervalMs: env.SPINE_RETENTION_INTERVAL_MS,
    accessExpiryIntervalMs: env.SPINE_ACCESS_EXPIRY_INTERVAL_MS,
    deadLetterReplayIntervalMs: env.SPINE_DLQ_REPLAY_INTERVAL_MS,
    rateLimitRetentionMs: env.SPINE_RATE_LIMIT_RETENTION_MS,
    agentRunStaleAfterMs: env.SPINE_AGENT_RUN_STALE_AFTER_MS,
    relayPollMs: env.SPINE_RELAY_POLL_MS,
    concurrency: env.SPINE_CONSUMER_CONCURRENCY,
    maxAttempts: env.SPINE_CONSUMER_MAX_ATTEMPTS,
    ackWaitMs: env.SPINE_CONSUMER_ACK_WAIT_MS,
    port: env.WORKER_PORT,
    host: env.WORKER_HOST,
    handlers: handlers.filter((h) => selected.has(h.name)),
    domain,
    ...(selected.has(INTEGRATION_SYNC_HANDLER) ? { sync: {
      jobsStream: env.SPINE_JOBS_STREAM, jobsPrefix: env.SPINE_JOBS_PREFIX, schedulerIntervalMs: env.SPINE_SYNC_SCHEDULER_INTERVAL_MS,
      maxAttempts: env.SPINE_SYNC_MAX_ATTEMPTS, backoffMs: env.SPINE_SYNC_BACKOFF_MS, requestTimeoutMs: env.SPINE_SYNC_REQUEST_TIMEOUT_MS,
    } } : {}),
  },
  logger,
);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    worker.stop().then(() => domain.close()).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  });
}
