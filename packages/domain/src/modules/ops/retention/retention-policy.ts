const DAY_MS = 24 * 60 * 60_000;

/**
 * The data classes of operational data and how long each is kept — the one place retention is
 * configured. Audit trails are long-term and never deleted by the app; debug data (execution records,
 * raw payloads, the activity feed) is short-to-medium; aggregated metrics are kept longer.
 */
export const RETENTION_CLASSES = {
  /** Execution records of handled work: finished job runs, dead letters already replayed. */
  debug_short: 14 * DAY_MS,
  /** Raw external payloads (inbound webhook bodies): kept long enough to investigate, then removed. */
  raw_payload: 30 * DAY_MS,
  /** Debug data people still read: the activity feed, dead letters never replayed. */
  debug_medium: 90 * DAY_MS,
  /** Aggregated metrics: usage counters of windows that ended (13 months, for year-over-year). */
  aggregate: 400 * DAY_MS,
} as const;
export type RetentionClass = keyof typeof RETENTION_CLASSES;

/** Which class each operational table (or kind of row) belongs to, and what its age is measured from. */
export const OPERATIONAL_RETENTION = {
  /** `job_runs` by `started_at` (never less than the stream's max age plus the outbox replay window, see `retentionPolicy`). */
  job_runs: "debug_short",
  /** `dead_letter_jobs` with status `replayed`, by `replayed_at`. */
  replayed_dead_letters: "debug_short",
  /** `integration_events` (the raw payload is the row), by `received_at`. */
  integration_events: "raw_payload",
  /** `activity_logs`, by `occurred_at`. */
  activity_logs: "debug_medium",
  /** `dead_letter_jobs` still `dead` (never replayed), by `created_at`. */
  dead_letters: "debug_medium",
  /** `usage_counters` whose window (day or month) ended this long ago. */
  usage_counters: "aggregate",
} as const satisfies Record<string, RetentionClass>;
export type OperationalData = keyof typeof OPERATIONAL_RETENTION;

/** How long each kind of operational row is kept, in ms. */
export type RetentionPolicy = Record<OperationalData, number>;

/**
 * The policy in force. `jobRunsAtLeastMs`: a job run is the exactly-once record of its operation, so
 * it must outlive every way the same event can be delivered again (the stream's max age and the
 * outbox replay window); the job-run retention is raised to it when the class is shorter.
 */
export function retentionPolicy(options: { jobRunsAtLeastMs?: number } = {}): RetentionPolicy {
  const policy = Object.fromEntries(
    Object.entries(OPERATIONAL_RETENTION).map(([data, cls]) => [data, RETENTION_CLASSES[cls]]),
  ) as RetentionPolicy;
  policy.job_runs = Math.max(policy.job_runs, options.jobRunsAtLeastMs ?? 0);
  return policy;
}
