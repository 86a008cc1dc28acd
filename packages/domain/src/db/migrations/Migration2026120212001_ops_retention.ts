import { Migration } from "@mikro-orm/migrations";

/**
 * Indexes for the worker's retention of operational tables (see modules/ops/retention): each pass
 * finds the expired rows by the column their age is measured from, without scanning the table.
 */
export class Migration2026120212001_ops_retention extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index job_runs_started_idx on job_runs (started_at);`);
    this.addSql(`create index dead_letter_jobs_created_idx on dead_letter_jobs (created_at);`);
    this.addSql(`create index integration_events_received_idx on integration_events (received_at);`);
    this.addSql(`create index activity_logs_occurred_idx on activity_logs (occurred_at);`);
    this.addSql(`create index usage_counters_window_start_idx on usage_counters (window_start);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists job_runs_started_idx, dead_letter_jobs_created_idx, integration_events_received_idx,
      activity_logs_occurred_idx, usage_counters_window_start_idx;`);
  }
}
