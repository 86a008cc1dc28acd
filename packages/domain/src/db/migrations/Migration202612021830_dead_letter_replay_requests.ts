import { Migration } from "@mikro-orm/migrations";

/**
 * A workspace owner may ask for a dead letter of their workspace to be replayed (the console's
 * `deadLetter.replay`): the request is stored on the row and the worker replays it (it holds the
 * handlers), then clears it. `spine_app` already reads and updates the table under RLS.
 */
export class Migration202612021830_dead_letter_replay_requests extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table dead_letter_jobs add column replay_requested_at timestamptz, add column replay_requested_by uuid;`);
    this.addSql(`create index dead_letter_jobs_replay_requested_idx on dead_letter_jobs (replay_requested_at) where replay_requested_at is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists dead_letter_jobs_replay_requested_idx;`);
    this.addSql(`alter table dead_letter_jobs drop column if exists replay_requested_at, drop column if exists replay_requested_by;`);
  }
}
