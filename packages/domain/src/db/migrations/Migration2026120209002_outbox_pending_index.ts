import { Migration } from "@mikro-orm/migrations";

/**
 * The relay's claim (`published_at is null and rejected_at is null order by created_at, id`) reads one
 * partial index whose predicate is exactly its own, so neither the planner nor a heap filter stands
 * between the claim and the oldest pending row. It replaces the index on `published_at is null` alone.
 */
export class Migration2026120209002_outbox_pending_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index outbox_pending_idx on outbox (created_at, id) where published_at is null and rejected_at is null;`);
    this.addSql(`drop index if exists outbox_unpublished_idx;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index if not exists outbox_unpublished_idx on outbox (created_at, id) where published_at is null;`);
    this.addSql(`drop index if exists outbox_pending_idx;`);
  }
}
