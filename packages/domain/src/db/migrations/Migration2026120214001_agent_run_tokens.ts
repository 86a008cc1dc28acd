import { Migration } from "@mikro-orm/migrations";

/**
 * `agent_runs.input_tokens` / `output_tokens`: what the model reported for the run's calls, recorded
 * with the run's result (completed or failed) in the transaction that also counts them into the
 * `agent_tokens` usage of windows with a policy. Runs recorded before this column existed read 0.
 */
export class Migration2026120214001_agent_run_tokens extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table agent_runs add column input_tokens integer not null default 0 check (input_tokens >= 0),
      add column output_tokens integer not null default 0 check (output_tokens >= 0);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table agent_runs drop column if exists input_tokens, drop column if exists output_tokens;`);
  }
}
