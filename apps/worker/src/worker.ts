import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import {
  ConsumerRunner, connectNats, ensureEventsStream, ensureGatewayMirror, ensureStream, errorMessage, jobsStreamConfig, OutboxRelay, watchNatsLink,
  type Logger,
} from "@spine/bus";
import { systemUrlFrom, type Domain } from "@spine/domain";
import { createPgPool } from "@spine/domain/reads";
import { createMetricsRegistry, startAdminServer } from "@spine/metrics";
import { startAccessExpiry } from "./access-expiry.ts";
import { startDeadLetterReplays } from "./dead-letter-replays.ts";
import { createWorkerMetrics } from "./worker-metrics.ts";
import type { WorkerHandler } from "./handlers/index.ts";
import { integrationSyncHandler } from "./handlers/integration-sync.ts";
import { startRetention } from "./retention.ts";
import { startSyncScheduler } from "./sync/sync-scheduler.ts";
import { jobLedger, outboxStore, outboxWakeups } from "./wiring.ts";

export interface WorkerConfig {
  /** Owner URL; the relay and retention connect as spine_system (the consumers run through `domain`). */
  databaseUrl: string;
  natsUrl: string;
  natsUser?: string;
  natsPassword?: string;
  /** The relay's own NATS user (infra/nats `relay`: publishes events, nothing else); default: `natsUser` on one connection. */
  relayNatsUser?: string;
  relayNatsPassword?: string;
  prefix: string;
  stream: string;
  /** Keep this mirror of `stream` for the gateway (infra/nats: `EVENTS_GATEWAY`). */
  gatewayStream?: string;
  /** Replicas of the streams (default 1; 3 on a 3-node cluster). */
  streamReplicas?: number;
  duplicateWindowMs: number;
  eventsMaxAgeMs: number;
  outboxReplayWindowMs: number;
  retentionIntervalMs: number;
  /** `rate_limit_hits` windows older than this are deleted. */
  rateLimitRetentionMs: number;
  /** Agent runs with no progress for this long are failed as abandoned. */
  agentRunStaleAfterMs: number;
  /** How often the access expiry job looks for due access transitions (default 30 s). */
  accessExpiryIntervalMs?: number;
  /** How often the worker replays the dead letters workspace owners asked for (`deadLetter.replay`; default 2 s). */
  deadLetterReplayIntervalMs?: number;
  relayPollMs: number;
  concurrency: number;
  maxAttempts: number;
  ackWaitMs: number;
  /** The worker's one port is its admin endpoint: `/metrics` (Prometheus), `/healthz`, `/readyz` (`/health`). */
  port: number;
  host: string;
  handlers: readonly WorkerHandler[];
  /**
   * The domain, with its system role (`systemUrl`): consumers apply each event in a domain operation
   * (`run` in the event's workspace, `runSystem` for bookkeeping); retention fails abandoned agent runs
   * through it. Its pool should fit `concurrency` operations per handler.
   */
  domain: Domain;
  /**
   * Integration sync jobs on the JOBS work queue (stream `jobsStream` on `<jobsPrefix>.>`): a scheduler
   * queues due syncs every `schedulerIntervalMs`, one durable consumer runs them with `maxAttempts` and
   * `backoffMs` between attempts. Off when absent.
   */
  sync?: IntegrationSyncConfig;
}

export interface IntegrationSyncConfig {
  jobsStream: string;
  jobsPrefix: string;
  schedulerIntervalMs: number;
  maxAttempts: number;
  backoffMs: readonly number[];
  requestTimeoutMs: number;
}

export interface RunningWorker {
  /** The admin endpoint's port (useful when configured as 0). */
  port: number;
  stop(): Promise<void>;
}

/** Wire the relay, one durable consumer per handler, retention and the health endpoint (the caller closes `domain`). */
export async function startWorker(config: WorkerConfig, logger: Logger): Promise<RunningWorker> {
  const systemUrl = systemUrlFrom(config.databaseUrl);
  // The relay, retention and metrics; the consumers' operations run on the domain's own pools.
  const systemPool = createPgPool({
    connectionString: systemUrl,
    max: 4,
    onError: (err) => logger.warn({ err: err.message }, "database connection failed; the client is discarded"),
  });
  const nc = await connectNats({
    servers: config.natsUrl, name: "spine-worker",
    ...(config.natsUser ? { user: config.natsUser, pass: config.natsPassword ?? "" } : {}),
  });
  // The relay publishes on a connection of its own when it has its own user (least privilege).
  const relayNc = config.relayNatsUser
    ? await connectNats({ servers: config.natsUrl, name: "spine-worker-relay", user: config.relayNatsUser, pass: config.relayNatsPassword ?? "" })
    : nc;
  const natsLink = watchNatsLink(nc, logger.child({ component: "nats" }));
  const relayLink = relayNc === nc ? natsLink : watchNatsLink(relayNc, logger.child({ component: "nats-relay" }));
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  await ensureEventsStream(jsm, {
    name: config.stream, prefix: config.prefix, duplicateWindowMs: config.duplicateWindowMs, maxAgeMs: config.eventsMaxAgeMs,
    ...(config.streamReplicas ? { replicas: config.streamReplicas } : {}),
  });
  if (config.gatewayStream) {
    await ensureGatewayMirror(jsm, {
      name: config.gatewayStream, source: config.stream, maxAgeMs: config.eventsMaxAgeMs, ...(config.streamReplicas ? { replicas: config.streamReplicas } : {}),
    });
  }
  const registry = createMetricsRegistry("worker");
  const metrics = createWorkerMetrics(registry, { systemPool: systemPool, jsm, stream: config.stream, durables: config.handlers.map((h) => h.name) });

  const relayLogger = logger.child({ component: "outbox-relay" });
  const relay = new OutboxRelay({
    store: outboxStore(systemPool), wakeups: outboxWakeups(systemUrl, relayLogger), nc: relayNc, prefix: config.prefix,
    pollIntervalMs: config.relayPollMs, metrics: metrics.relay, logger: relayLogger,
  });
  await relay.start();
  const ledger = jobLedger(config.domain);
  const runners = config.handlers.map(
    (handler) =>
      new ConsumerRunner({
        js, jsm, stream: config.stream, prefix: config.prefix, handler, ledger, concurrency: config.concurrency,
        maxAttempts: config.maxAttempts, ackWaitMs: config.ackWaitMs, logger: logger.child({ component: "consumer" }),
        hooks: metrics.hooksFor(handler.name),
      }),
  );
  const sync = config.sync;
  if (sync) {
    await ensureStream(jsm, jobsStreamConfig({ name: sync.jobsStream, prefix: sync.jobsPrefix, maxAgeMs: config.eventsMaxAgeMs }));
    const handler = integrationSyncHandler({ maxAttempts: sync.maxAttempts, requestTimeoutMs: sync.requestTimeoutMs });
    runners.push(
      new ConsumerRunner({
        js, jsm, stream: sync.jobsStream, prefix: sync.jobsPrefix, handler: handler as WorkerHandler, ledger, concurrency: config.concurrency,
        maxAttempts: sync.maxAttempts, backoffMs: sync.backoffMs, ackWaitMs: config.ackWaitMs,
        logger: logger.child({ component: "sync-consumer" }), hooks: metrics.hooksFor(handler.name),
      }),
    );
  }
  for (const runner of runners) {
    await runner.ensure();
    runner.start();
  }
  const syncScheduler = sync
    ? startSyncScheduler({ domain: config.domain, js, jobsPrefix: sync.jobsPrefix, intervalMs: sync.schedulerIntervalMs, logger: logger.child({ component: "sync-scheduler" }) })
    : null;
  const retention = startRetention({
    pool: systemPool, domain: config.domain, replayWindowMs: config.outboxReplayWindowMs, intervalMs: config.retentionIntervalMs,
    rateLimitRetentionMs: config.rateLimitRetentionMs, agentRunStaleAfterMs: config.agentRunStaleAfterMs, eventsMaxAgeMs: config.eventsMaxAgeMs,
    logger: logger.child({ component: "retention" }),
  });
  const accessExpiry = startAccessExpiry({
    pool: systemPool, domain: config.domain, intervalMs: config.accessExpiryIntervalMs ?? 30_000,
    logger: logger.child({ component: "access-expiry" }),
  });
  const deadLetterReplays = startDeadLetterReplays({
    domain: config.domain, handlers: config.handlers, intervalMs: config.deadLetterReplayIntervalMs ?? 2_000,
    logger: logger.child({ component: "dead-letter-replays" }),
  });
  const health = await startAdminServer({
    port: config.port,
    host: config.host,
    registry,
    ready: async () => {
      const postgres = await systemPool.query("select 1").then(() => true, () => false);
      const nats = natsLink.connected() && relayLink.connected();
      return { ready: postgres && nats, checks: { postgres, nats } };
    },
  });
  logger.info({ port: health.port, stream: config.stream, prefix: config.prefix, handlers: config.handlers.map((h) => h.name) }, "worker started");

  return {
    port: health.port,
    async stop() {
      logger.info("worker stopping");
      await health.close();
      await retention.stop();
      await accessExpiry.stop();
      await deadLetterReplays.stop();
      await syncScheduler?.stop();
      await Promise.all(runners.map((r) => r.stop()));
      await relay.stop();
      await nc.drain().catch((err: unknown) => logger.warn({ err: errorMessage(err) }, "nats drain failed"));
      if (relayNc !== nc) await relayNc.drain().catch((err: unknown) => logger.warn({ err: errorMessage(err) }, "nats drain failed"));
      await systemPool.end();
      logger.info("worker stopped");
    },
  };
}
