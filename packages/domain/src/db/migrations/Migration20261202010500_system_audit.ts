import { Migration } from "@mikro-orm/migrations";
import { APP_ROLE, SYSTEM_ROLE } from "../roles.ts";

/**
 * The system audit trail: privileged actions outside any workspace (sign-up, sign-out everywhere,
 * session revocation on refresh-token reuse, operator CLI actions). Not a tenant table: it has no
 * workspace. The application role may only append (no read, no update, no delete); reading is
 * for the system role and operators.
 */
export class Migration20261202010500_system_audit extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table system_audit_logs (
      id uuid primary key, actor_id uuid, actor_type text not null, actor_name text, action text not null,
      target_type text not null, target_id text, details jsonb not null default '{}', correlation_id text not null,
      occurred_at timestamptz not null default now());`);
    this.addSql(`create index system_audit_logs_occurred_idx on system_audit_logs (occurred_at desc, id desc);`);
    this.addSql(`grant insert on system_audit_logs to ${APP_ROLE};`);
    this.addSql(`grant select, insert, update, delete on system_audit_logs to ${SYSTEM_ROLE};`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists system_audit_logs;`);
  }
}
