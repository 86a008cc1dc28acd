import { Migration } from "@mikro-orm/migrations";

/**
 * Inbound events are deduplicated by (source, source_event_id) where the source is the sending
 * integration (its id), so two integrations of one provider never collide. Rows stored before carry
 * the provider name as source; they take their integration's id. Runs as the owner (bypasses RLS).
 */
export class Migration20261202012_integration_event_source extends Migration {
  override async up(): Promise<void> {
    this.addSql(`update integration_events set source = integration_id::text where source <> integration_id::text;`);
    this.addSql(`alter table integration_events drop constraint integration_events_workspace_id_source_source_event_id_key;`);
    this.addSql(`alter table integration_events add constraint integration_events_source_event_key unique (source, source_event_id);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table integration_events drop constraint integration_events_source_event_key;`);
    this.addSql(`alter table integration_events add constraint integration_events_workspace_id_source_source_event_id_key unique (workspace_id, source, source_event_id);`);
  }
}
