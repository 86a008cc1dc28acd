import { Migration } from "@mikro-orm/migrations";

/**
 * `outbox.validated`: true on rows whose envelope was validated against its contract when stored (`op.emit`
 * validates before it persists). The relay publishes such a row's stored bytes as they are, without parsing
 * them again; a row stored any other way (false, the default, and every row from before this column) is
 * parsed and validated by the relay, and set aside with `rejected_at` when it does not pass.
 */
export class Migration202612030720_h15_outbox_validated extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table outbox add column validated boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table outbox drop column if exists validated;`);
  }
}
