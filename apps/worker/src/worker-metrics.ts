import type { JetStreamManager } from "@nats-io/jetstream";
import type { ProcessorHooks, RelayObserver } from "@spine/bus";
import { outboxBacklog } from "@spine/domain/reads";
import { Counter, Gauge, type Registry } from "@spine/metrics";
import type pg from "pg";

export interface WorkerMetrics {
  /** Pass to the outbox relay (`metrics`). */
  relay: RelayObserver;
  /** Pass to the consumer runner of `handler` (`hooks`). */
  hooksFor(handler: string): ProcessorHooks;
}

export interface WorkerMetricsDeps {
  /** System-role pool: the outbox backlog is read at scrape time. */
  systemPool: pg.Pool;
  jsm: JetStreamManager;
  stream: string;
  /** Durable consumer names; their pending counts are read at scrape time. */
  durables: readonly string[];
}

/**
 * The worker's Prometheus series. Relay: `spine_relay_published_total` (its rate is the publish rate),
 * failures, duplicates, rejected; lag as `spine_outbox_backlog_rows` and `spine_outbox_backlog_age_seconds`
 * (unpublished rows and the age of the oldest, read at scrape time). Consumers, per durable/handler:
 * `spine_consumer_pending_messages` (lag: stream messages not yet delivered), `spine_consumer_ack_pending_messages`,
 * `spine_consumer_messages_total{outcome}`, `spine_consumer_retries_total`, `spine_consumer_dead_letters_total`.
 */
export function createWorkerMetrics(registry: Registry, deps: WorkerMetricsDeps): WorkerMetrics {
  const registers = [registry];
  const published = new Counter({ name: "spine_relay_published_total", help: "Outbox rows published to JetStream and marked published.", registers });
  const failures = new Counter({ name: "spine_relay_publish_failures_total", help: "Publishes that failed (NATS down, timeout); the rows stay unpublished.", registers });
  const duplicates = new Counter({ name: "spine_relay_duplicates_total", help: "Re-sends the stream dropped as duplicates (a relay died before marking).", registers });
  const rejected = new Counter({ name: "spine_relay_rejected_total", help: "Outbox rows holding an invalid envelope, kept aside unpublished.", registers });
  new Gauge({
    name: "spine_outbox_backlog_rows", help: "Relay lag in rows: committed outbox rows not yet published.", registers,
    async collect() {
      const backlog = await outboxBacklog(deps.systemPool).catch(() => null);
      if (backlog) this.set(backlog.rows);
    },
  });
  new Gauge({
    name: "spine_outbox_backlog_age_seconds", help: "Relay lag in seconds: age of the oldest unpublished outbox row.", registers,
    async collect() {
      const backlog = await outboxBacklog(deps.systemPool).catch(() => null);
      if (backlog) this.set(backlog.oldestAgeSeconds);
    },
  });
  const consumerGauge = (name: string, help: string, read: (info: { num_pending: number; num_ack_pending: number }) => number) =>
    new Gauge({
      name, help, labelNames: ["durable"], registers,
      async collect() {
        await Promise.all(
          deps.durables.map(async (durable) => {
            const info = await deps.jsm.consumers.info(deps.stream, durable).catch(() => null);
            if (info) this.set({ durable }, read(info));
          }),
        );
      },
    });
  consumerGauge("spine_consumer_pending_messages", "Consumer lag: stream messages the durable has not been delivered yet.", (i) => i.num_pending);
  consumerGauge("spine_consumer_ack_pending_messages", "Messages delivered to the durable and not yet acknowledged.", (i) => i.num_ack_pending);
  const messages = new Counter({
    name: "spine_consumer_messages_total", help: "Messages whose handler transaction committed (applied) or that were already applied (duplicate).",
    labelNames: ["handler", "outcome"], registers,
  });
  const retries = new Counter({ name: "spine_consumer_retries_total", help: "Failed handler attempts that will be retried after a backoff.", labelNames: ["handler"], registers });
  const deadLetters = new Counter({ name: "spine_consumer_dead_letters_total", help: "Messages dead-lettered (written to dead_letter_jobs).", labelNames: ["handler"], registers });

  return {
    relay: {
      batch(result) {
        published.inc(result.published);
        failures.inc(result.failed);
        duplicates.inc(result.duplicates);
        rejected.inc(result.rejected);
      },
    },
    hooksFor(handler) {
      // Every series of the handler exists from the start, at 0.
      for (const outcome of ["applied", "duplicate"]) messages.inc({ handler, outcome }, 0);
      retries.inc({ handler }, 0);
      deadLetters.inc({ handler }, 0);
      return {
        afterCommit: (_envelope, outcome) => void messages.inc({ handler, outcome }),
        onRetry: () => retries.inc({ handler }),
        onDeadLetter: () => deadLetters.inc({ handler }),
      };
    },
  };
}
