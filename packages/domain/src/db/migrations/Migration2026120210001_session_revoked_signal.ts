import { Migration } from "@mikro-orm/migrations";
import { APP_ROLE } from "../roles.ts";

/**
 * The application role may append one kind of system event to the outbox: `session.revoked`
 * (workspace_id null), written with the sign-out or refresh-token-reuse it announces. It still cannot
 * read system rows, nor write any other untenanted event.
 */
export class Migration2026120210001_session_revoked_signal extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create policy app_session_revoked_signal on outbox as permissive for insert to ${APP_ROLE}
      with check (workspace_id is null and event_type = 'session.revoked' and subject like '%._sys.session.revoked');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop policy if exists app_session_revoked_signal on outbox;`);
  }
}
