import {
  deleteExpiredActivityLogs, deleteExpiredDeadLetters, deleteExpiredIntegrationEvents, deleteExpiredJobRuns, deleteExpiredUsageCounters,
  retentionPolicy, type RetentionPolicy,
} from "@spine/domain";
import type { Tx } from "@spine/domain/reads";
import type pg from "pg";

export interface OperationalRetentionCounts {
  jobRuns: number;
  replayedDeadLetters: number;
  deadLetters: number;
  integrationEvents: number;
  activityLogs: number;
  usageCounters: number;
}

/** A pool as the domain's `Tx` port: each statement autocommits (every chunk of a delete commits on its own). */
function poolTx(pool: pg.Pool): Tx {
  return {
    async query<R extends object>(sql: string, params?: readonly unknown[]) {
      const res = await pool.query<R>(sql, params ? [...params] : undefined);
      return { rows: res.rows, rowCount: res.rowCount ?? 0 };
    },
  };
}

/** Job runs, dead letters, raw integration events, the activity feed and ended usage windows, by data class. */
export async function runOperationalRetention(
  options: { pool: pg.Pool; policy?: RetentionPolicy; eventsMaxAgeMs?: number; replayWindowMs: number },
  result: OperationalRetentionCounts,
  job: (name: string, fn: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const policy = options.policy ?? retentionPolicy({ jobRunsAtLeastMs: (options.eventsMaxAgeMs ?? 0) + options.replayWindowMs });
  const q = poolTx(options.pool);
  await job("job_runs", async () => {
    result.jobRuns = await deleteExpiredJobRuns(q, { olderThanMs: policy.job_runs });
  });
  await job("dead_letter_jobs", async () => {
    const deleted = await deleteExpiredDeadLetters(q, { replayedOlderThanMs: policy.replayed_dead_letters, deadOlderThanMs: policy.dead_letters });
    result.replayedDeadLetters = deleted.replayed;
    result.deadLetters = deleted.dead;
  });
  await job("integration_events", async () => {
    result.integrationEvents = await deleteExpiredIntegrationEvents(q, { olderThanMs: policy.integration_events });
  });
  await job("activity_logs", async () => {
    result.activityLogs = await deleteExpiredActivityLogs(q, { olderThanMs: policy.activity_logs });
  });
  await job("usage_counters", async () => {
    result.usageCounters = await deleteExpiredUsageCounters(q, { olderThanMs: policy.usage_counters });
  });
}
