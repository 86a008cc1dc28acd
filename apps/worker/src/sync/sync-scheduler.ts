import type { JetStreamClient } from "@nats-io/jetstream";
import { errorMessage, type Logger } from "@spine/bus";
import { createEnvelope, subjectFor } from "@spine/contracts";
import { findDueSyncs, markSyncQueued, type Domain } from "@spine/domain";
import { startPeriodic, type PeriodicJob } from "../periodic.ts";

export interface SyncSchedulerOptions {
  domain: Domain;
  js: JetStreamClient;
  /** The JOBS stream's subject prefix. */
  jobsPrefix: string;
  intervalMs: number;
  logger: Logger;
}

/**
 * One pass: put every due sync (manual request or interval) on the JOBS work queue as an
 * `integration.sync_requested` envelope with msgID `sync:<integration>:<window>` (a re-publish inside
 * the stream's duplicate window is dropped; the consumer's `job_runs` makes the window run once anyway),
 * then mark it queued. A failed publish leaves it due for the next pass.
 */
export async function queueDueSyncs(options: Omit<SyncSchedulerOptions, "intervalMs">, now = new Date()): Promise<number> {
  const ctx = { workspaceId: null, actorId: null, actorType: "system" as const, correlationId: `sync-scheduler-${now.getTime()}` };
  const due = await options.domain.runSystem(ctx, (op) => findDueSyncs(op, now));
  let queued = 0;
  for (const job of due) {
    const envelope = createEnvelope({
      type: "integration.sync_requested",
      payload: { integration_id: job.integrationId, provider: job.provider, window: job.window, trigger: job.trigger },
      workspaceId: job.workspaceId, actorId: null, correlationId: `sync:${job.integrationId}:${job.window}`,
    });
    try {
      const ack = await options.js.publish(subjectFor(job.workspaceId, "integration.sync_requested", options.jobsPrefix), JSON.stringify(envelope), {
        msgID: `sync:${job.integrationId}:${job.window}`,
      });
      await options.domain.runSystem(ctx, (op) => markSyncQueued(op, job, { duplicate: ack.duplicate }));
      queued += 1;
    } catch (err) {
      options.logger.warn({ integration_id: job.integrationId, err: errorMessage(err) }, "could not queue a sync job; it stays due");
    }
  }
  return queued;
}

export function startSyncScheduler(options: SyncSchedulerOptions): PeriodicJob {
  return startPeriodic("sync scheduler", options.intervalMs, options.logger, () => queueDueSyncs(options));
}
