import { Migration } from "@mikro-orm/migrations";
import { APP_ROLE, SYSTEM_ROLE } from "../roles.ts";

/**
 * Platform operators: users who may list, inspect and replay dead letters and failed integration
 * events across every workspace (the API's `operator.*` procedures). Not a tenant table. Granted and
 * revoked only by the operator CLI (`spine operators grant|revoke`, as the system role); the app role
 * may only read it (the API checks the flag), so no procedure can make anyone an operator.
 */
export class Migration202612030700_h14_platform_operators extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table platform_operators (
      user_id uuid primary key references users (id) on delete cascade,
      granted_by text not null check (length(granted_by) between 1 and 200),
      granted_at timestamptz not null default now());`);
    this.addSql(`grant select on platform_operators to ${APP_ROLE};`);
    this.addSql(`grant select, insert, update, delete on platform_operators to ${SYSTEM_ROLE};`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists platform_operators;`);
  }
}
