import { Migration } from "@mikro-orm/migrations";

/**
 * `outbox.rejected_at`: the relay sets it on a row whose stored envelope does not parse, and never
 * claims such a row again. It replaces matching `last_error like 'invalid envelope%'`, so an error text
 * no longer decides what the relay publishes. Rows rejected before this column existed are carried over.
 */
export class Migration2026120209001_outbox_rejected_at extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table outbox add column rejected_at timestamptz;`);
    this.addSql(`update outbox set rejected_at = now() where published_at is null and last_error like 'invalid envelope%';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table outbox drop column if exists rejected_at;`);
  }
}
