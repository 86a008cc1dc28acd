import { Migration } from "@mikro-orm/migrations";

/**
 * The API lists "my workspaces" with the caller's role in each: a user may read the roles of
 * workspaces they are a member of (read only; writes stay scoped to the current workspace).
 */
export class Migration20261128000200_api extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create policy member_roles_read on roles for select
      using (workspace_id in (select workspace_id from workspace_memberships where user_id = spine_current_user()));`);
    this.addSql(`create index idempotency_keys_expires_idx on idempotency_keys (expires_at);`);
    this.addSql(`create index rate_limit_hits_window_idx on rate_limit_hits (window_start);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop policy if exists member_roles_read on roles;`);
    this.addSql(`drop index if exists idempotency_keys_expires_idx;`);
    this.addSql(`drop index if exists rate_limit_hits_window_idx;`);
  }
}
