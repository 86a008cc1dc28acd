import { Migration } from "@mikro-orm/migrations";

/**
 * Integrations that process what they receive and sync from their provider:
 * - `integration_events.status` is one of received | processed | ignored | failed (with `error`,
 *   `processed_at`); `attempts` counts processing attempts (retries included).
 * - `integrations` gains its health and sync bookkeeping (written by native statements of the
 *   integrations module, never through the entity, so they are not audited as privileged writes):
 *   last delivery, last processing success/failure, the sync state machine, the incremental sync
 *   cursor, a pending manual sync request, when the last sync job was queued, and the run of
 *   consecutive failed sync jobs. `status` may
 *   now be `disabled` (after too many failed sync jobs; `integration.enable` clears it).
 * - `items.external_source` / `external_id` link an item to the provider record it mirrors (the
 *   source is the integration's id), unique per workspace, so a redelivery or a re-sync updates it.
 */
export class Migration2026120215001_integration_processing extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table integration_events add column attempts integer not null default 0,
      add constraint integration_events_status_check check (status in ('received', 'processed', 'ignored', 'failed'));`);
    this.addSql(`create index integration_events_integration_idx on integration_events (integration_id, received_at);`);
    this.addSql(`alter table integrations drop constraint integrations_status_check;`);
    this.addSql(`alter table integrations add constraint integrations_status_check check (status in ('connected', 'disconnected', 'error', 'disabled'));`);
    this.addSql(`alter table integrations
      add column last_delivery_at timestamptz,
      add column last_processed_at timestamptz,
      add column last_processing_failed_at timestamptz,
      add column last_processing_error text,
      add column sync_state text not null default 'idle',
      add column sync_cursor text,
      add column sync_requested_at timestamptz,
      add column sync_queued_at timestamptz,
      add column last_sync_started_at timestamptz,
      add column last_sync_at timestamptz,
      add column last_sync_failed_at timestamptz,
      add column last_sync_error text,
      add column consecutive_sync_failures integer not null default 0,
      add constraint integrations_sync_state_check check (sync_state in ('idle', 'queued', 'running', 'succeeded', 'failed')),
      add constraint integrations_sync_failures_check check (consecutive_sync_failures >= 0);`);
    this.addSql(`alter table items add column external_source text, add column external_id text,
      add constraint items_external_check check ((external_source is null) = (external_id is null));`);
    this.addSql(`create unique index items_external_key on items (workspace_id, external_source, external_id) where external_id is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists items_external_key;`);
    this.addSql(`alter table items drop constraint items_external_check, drop column external_source, drop column external_id;`);
    this.addSql(`alter table integrations drop constraint integrations_sync_state_check, drop constraint integrations_sync_failures_check,
      drop column last_delivery_at, drop column last_processed_at, drop column last_processing_failed_at, drop column last_processing_error,
      drop column sync_state, drop column sync_cursor, drop column sync_requested_at, drop column sync_queued_at, drop column last_sync_started_at, drop column last_sync_at,
      drop column last_sync_failed_at, drop column last_sync_error, drop column consecutive_sync_failures;`);
    this.addSql(`alter table integrations drop constraint integrations_status_check;`);
    this.addSql(`alter table integrations add constraint integrations_status_check check (status in ('connected', 'disconnected', 'error'));`);
    this.addSql(`drop index if exists integration_events_integration_idx;`);
    this.addSql(`alter table integration_events drop constraint integration_events_status_check, drop column attempts;`);
  }
}
