import { Migration } from "@mikro-orm/migrations";
import { SYSTEM_ROLE } from "../roles.ts";

/**
 * Internal tools' NATS credentials and grants (`spine tools grant|list|revoke|rotate`): one public
 * nkey per tool (its seed is shown once and never stored) and the subjects it may read, one grant per
 * (workspace or every workspace, event type pattern). Not tenant tables: a grant names a workspace as
 * its scope (`scope_workspace_id`, NULL = every workspace) and is managed by operators only, so only the
 * system role may touch them. `users.conf` for nats-server is rendered from these rows.
 */
export class Migration2026120217001_nats_tools extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table nats_tools (
      name text primary key check (name ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
      nkey text not null unique check (nkey ~ '^U[A-Z2-7]{55}$'),
      created_at timestamptz not null default now(),
      rotated_at timestamptz);`);
    this.addSql(`create table nats_tool_grants (
      id uuid primary key,
      tool_name text not null references nats_tools (name) on delete cascade,
      scope_workspace_id uuid references workspaces (id) on delete cascade,
      events text not null check (events ~ '^(([a-z0-9_]+|\\*)\\.)*([a-z0-9_]+|\\*|>)$'),
      granted_at timestamptz not null default now());`);
    this.addSql(`create unique index nats_tool_grants_scope_uq on nats_tool_grants
      (tool_name, coalesce(scope_workspace_id, '00000000-0000-0000-0000-000000000000'::uuid), events);`);
    this.addSql(`create index nats_tool_grants_workspace_idx on nats_tool_grants (scope_workspace_id);`);
    this.addSql(`grant select, insert, update, delete on nats_tools, nats_tool_grants to ${SYSTEM_ROLE};`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists nats_tool_grants, nats_tools;`);
  }
}
