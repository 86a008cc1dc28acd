import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import {
  ConsumerRunner,
  connectNats,
  createRolePools,
  ensureEventsStream,
  errorMessage,
  OutboxRelay,
  watchNatsLink,
  type EventHandler,
  type Logger,
} from "@spine/bus";
import { appUrlFrom, systemUrlFrom, type Domain } from "@spine/domain";
import { PgTxRunner } from "@spine/domain/reads";
import { createMetricsRegistry, startAdminServer } from "@spine/metrics";
import { startAccessExpiry } from "./access-expiry.ts";
import { createWorkerMetrics } from "./worker-metrics.ts";
import { startRetention } from "./retention.ts";

export interface WorkerConfig {
  /** Owner URL; the worker connects as spine_system (relay, ops) and spine_app (tenant handlers). */
  databaseUrl: string;
  natsUrl: string;
  natsUser?: string;
  natsPassword?: string;
  prefix: string;
  stream: string;
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
  relayPollMs: number;
  concurrency: number;
  maxAttempts: number;
  ackWaitMs: number;
  /** The worker's one port is its admin endpoint: `/metrics` (Prometheus), `/healthz`, `/readyz` (`/health`). */
  port: number;
  host: string;
  handlers: readonly EventHandler[];
  /** The domain (app role): retention fails abandoned agent runs through it. */
  domain: Domain;
}

export interface RunningWorker {
  /** The admin endpoint's port (useful when configured as 0). */
  port: number;
  stop(): Promise<void>;
}

/** Wire the relay, one durable consumer per handler, retention and the health endpoint (the caller closes `domain`). */
export async function startWorker(config: WorkerConfig, logger: Logger): Promise<RunningWorker> {
  const systemUrl = systemUrlFrom(config.databaseUrl);
  const pools = createRolePools({
    appUrl: appUrlFrom(config.databaseUrl),
    systemUrl,
    max: config.concurrency * Math.max(1, config.handlers.length) + 4,
    onError: (err) => logger.warn({ err: err.message }, "database connection failed; the client is discarded"),
  });
  const nc = await connectNats({
    servers: config.natsUrl, name: "spine-worker",
    ...(config.natsUser ? { user: config.natsUser, pass: config.natsPassword ?? "" } : {}),
  });
  const natsLink = watchNatsLink(nc, logger.child({ component: "nats" }));
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  await ensureEventsStream(jsm, {
    name: config.stream, prefix: config.prefix, duplicateWindowMs: config.duplicateWindowMs, maxAgeMs: config.eventsMaxAgeMs,
  });
  const registry = createMetricsRegistry("worker");
  const metrics = createWorkerMetrics(registry, { systemPool: pools.systemPool, jsm, stream: config.stream, durables: config.handlers.map((h) => h.name) });

  const relay = new OutboxRelay({
    pool: pools.systemPool, js, listenUrl: systemUrl, prefix: config.prefix, pollIntervalMs: config.relayPollMs, metrics: metrics.relay,
    logger: logger.child({ component: "outbox-relay" }),
  });
  await relay.start();
  const txRunner = new PgTxRunner(pools);
  const runners = config.handlers.map(
    (handler) =>
      new ConsumerRunner({
        js, jsm, stream: config.stream, prefix: config.prefix, handler, txRunner, concurrency: config.concurrency,
        maxAttempts: config.maxAttempts, ackWaitMs: config.ackWaitMs, logger: logger.child({ component: "consumer" }),
        hooks: metrics.hooksFor(handler.name),
      }),
  );
  for (const runner of runners) {
    await runner.ensure();
    runner.start();
  }
  const retention = startRetention({
    pool: pools.systemPool, domain: config.domain, replayWindowMs: config.outboxReplayWindowMs, intervalMs: config.retentionIntervalMs,
    rateLimitRetentionMs: config.rateLimitRetentionMs, agentRunStaleAfterMs: config.agentRunStaleAfterMs, eventsMaxAgeMs: config.eventsMaxAgeMs,
    logger: logger.child({ component: "retention" }),
  });
  const accessExpiry = startAccessExpiry({
    pool: pools.systemPool, domain: config.domain, intervalMs: config.accessExpiryIntervalMs ?? 30_000,
    logger: logger.child({ component: "access-expiry" }),
  });
  const health = await startAdminServer({
    port: config.port,
    host: config.host,
    registry,
    ready: async () => {
      const postgres = await pools.systemPool.query("select 1").then(() => true, () => false);
      const nats = natsLink.connected();
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
      await Promise.all(runners.map((r) => r.stop()));
      await relay.stop();
      await nc.drain().catch((err: unknown) => logger.warn({ err: errorMessage(err) }, "nats drain failed"));
      await pools.appPool.end();
      await pools.systemPool.end();
      logger.info("worker stopped");
    },
  };
}
