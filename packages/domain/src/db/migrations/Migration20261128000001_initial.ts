import { Migration } from "@mikro-orm/migrations";
import { APP_ROLE, SYSTEM_ROLE } from "../roles.ts";

/**
 * The tenant tables as this migration created them. Frozen: a later migration that adds a tenant
 * table appends it to TENANT_TABLES in src/db/tenant-tables.ts, never here.
 */
const INITIAL_TENANT_TABLES = [
  "roles", "workspace_memberships", "projects", "items", "documents", "activity_logs",
  "document_chunks", "embeddings", "agent_threads", "agent_runs", "tool_calls",
  "integrations", "integration_events", "demo_access_states", "usage_policies", "usage_counters",
  "audit_logs",
] as const;
const INITIAL_OPERATIONAL_TABLES = ["job_runs", "dead_letter_jobs", "outbox"] as const;

const ts = "created_at timestamptz not null default now(), updated_at timestamptz not null default now()";
const tenant = "workspace_id uuid not null references workspaces(id) deferrable initially deferred";

export class Migration20261128000001_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
do $$ begin
  if not exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
    create role ${APP_ROLE} login nosuperuser nocreatedb nocreaterole nobypassrls;
  end if;
exception when duplicate_object then null; end $$;`);
    this.addSql(`
do $$ begin
  if not exists (select 1 from pg_roles where rolname = '${SYSTEM_ROLE}') then
    create role ${SYSTEM_ROLE} login nosuperuser nocreatedb nocreaterole bypassrls;
  end if;
exception when duplicate_object then null; end $$;`);

    this.addSql(`create or replace function spine_current_workspace() returns uuid language sql stable as
      $$ select nullif(current_setting('app.workspace_id', true), '')::uuid $$;`);
    this.addSql(`create or replace function spine_current_user() returns uuid language sql stable as
      $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;`);

    // Identity and access
    this.addSql(`create table users (
      id uuid primary key, email text not null, password_hash text not null, display_name text not null,
      token_version integer not null default 0, ${ts}, deleted_at timestamptz);`);
    this.addSql(`create unique index users_email_key on users (lower(email));`);
    this.addSql(`create table auth_sessions (
      id uuid primary key, user_id uuid not null references users(id) deferrable initially deferred, refresh_token_hash text not null,
      expires_at timestamptz not null, revoked_at timestamptz, created_at timestamptz not null default now(),
      user_agent text, ip text);`);
    this.addSql(`create index auth_sessions_user_idx on auth_sessions (user_id);`);
    this.addSql(`create table workspaces (
      id uuid primary key, name text not null, slug text not null, settings jsonb not null default '{}',
      plan_tier text not null default 'free', created_by uuid not null references users(id) deferrable initially deferred, ${ts}, deleted_at timestamptz);`);
    this.addSql(`create unique index workspaces_slug_key on workspaces (slug);`);
    this.addSql(`create table roles (
      id uuid primary key, ${tenant}, key text not null, name text not null, permissions text[] not null default '{}',
      built_in boolean not null default false, ${ts},
      unique (workspace_id, id), unique (workspace_id, key));`);
    this.addSql(`create table workspace_memberships (
      id uuid primary key, ${tenant}, user_id uuid not null references users(id) deferrable initially deferred, role_id uuid not null, ${ts},
      unique (workspace_id, id), unique (workspace_id, user_id),
      foreign key (workspace_id, role_id) references roles (workspace_id, id) deferrable initially deferred);`);
    this.addSql(`create index workspace_memberships_user_idx on workspace_memberships (user_id);`);

    // Product domain
    this.addSql(`create table projects (
      id uuid primary key, ${tenant}, name text not null, description text not null default '',
      created_by uuid references users(id) deferrable initially deferred, ${ts}, deleted_at timestamptz, unique (workspace_id, id));`);
    this.addSql(`create table items (
      id uuid primary key, ${tenant}, project_id uuid not null, title text not null, body text not null default '',
      status text not null default 'open', created_by uuid references users(id) deferrable initially deferred, ${ts}, deleted_at timestamptz,
      unique (workspace_id, id), foreign key (workspace_id, project_id) references projects (workspace_id, id) deferrable initially deferred);`);
    this.addSql(`create index items_project_idx on items (workspace_id, project_id, id);`);
    this.addSql(`create table documents (
      id uuid primary key, ${tenant}, project_id uuid, title text not null, content text not null default '',
      metadata jsonb not null default '{}', content_hash text, ingestion_status text not null default 'pending',
      ingested_at timestamptz, created_by uuid references users(id) deferrable initially deferred, ${ts}, deleted_at timestamptz,
      unique (workspace_id, id), foreign key (workspace_id, project_id) references projects (workspace_id, id) deferrable initially deferred);`);
    this.addSql(`create table activity_logs (
      id uuid primary key, ${tenant}, project_id uuid, actor_id uuid references users(id) deferrable initially deferred, verb text not null,
      target_type text not null, target_id uuid, summary text not null, data jsonb not null default '{}',
      correlation_id text, occurred_at timestamptz not null default now(), unique (workspace_id, id));`);
    this.addSql(`create index activity_logs_feed_idx on activity_logs (workspace_id, project_id, id desc);`);

    // AI and knowledge
    this.addSql(`create table document_chunks (
      id uuid primary key, ${tenant}, document_id uuid not null, ordinal integer not null, content text not null,
      token_count integer not null default 0, metadata jsonb not null default '{}', created_at timestamptz not null default now(),
      unique (workspace_id, id), unique (workspace_id, document_id, ordinal),
      foreign key (workspace_id, document_id) references documents (workspace_id, id) deferrable initially deferred);`);
    this.addSql(`create table embeddings (
      id uuid primary key, ${tenant}, chunk_id uuid not null, model text not null, dimensions integer not null,
      vector real[] not null, created_at timestamptz not null default now(),
      unique (workspace_id, id), unique (workspace_id, chunk_id, model),
      foreign key (workspace_id, chunk_id) references document_chunks (workspace_id, id) on delete cascade deferrable initially deferred);`);
    this.addSql(`create table agent_threads (
      id uuid primary key, ${tenant}, title text not null, created_by uuid references users(id) deferrable initially deferred, ${ts}, deleted_at timestamptz,
      unique (workspace_id, id));`);
    this.addSql(`create table agent_runs (
      id uuid primary key, ${tenant}, thread_id uuid not null, status text not null, model text not null,
      input jsonb not null default '{}', output jsonb, error text, started_at timestamptz, completed_at timestamptz,
      retain_until timestamptz, created_by uuid references users(id) deferrable initially deferred, ${ts},
      unique (workspace_id, id), foreign key (workspace_id, thread_id) references agent_threads (workspace_id, id) deferrable initially deferred);`);
    this.addSql(`create table tool_calls (
      id uuid primary key, ${tenant}, run_id uuid not null, ordinal integer not null, tool_name text not null,
      input jsonb not null default '{}', output jsonb, status text not null, error text,
      started_at timestamptz not null default now(), completed_at timestamptz,
      unique (workspace_id, id), unique (workspace_id, run_id, ordinal),
      foreign key (workspace_id, run_id) references agent_runs (workspace_id, id) on delete cascade deferrable initially deferred);`);

    // Integration and demo governance
    this.addSql(`create table integrations (
      id uuid primary key, ${tenant}, provider text not null, name text not null, status text not null default 'connected',
      config jsonb not null default '{}', credentials jsonb not null default '{}', webhook_secret text,
      connected_by uuid references users(id) deferrable initially deferred, ${ts}, deleted_at timestamptz, unique (workspace_id, id));`);
    this.addSql(`create unique index integrations_name_key on integrations (workspace_id, provider, name) where deleted_at is null;`);
    this.addSql(`create table integration_events (
      id uuid primary key, ${tenant}, integration_id uuid not null, source text not null, source_event_id text not null,
      event_type text not null, payload jsonb not null, status text not null default 'received', error text,
      received_at timestamptz not null default now(), processed_at timestamptz,
      unique (workspace_id, id), unique (workspace_id, source, source_event_id),
      foreign key (workspace_id, integration_id) references integrations (workspace_id, id) deferrable initially deferred);`);
    this.addSql(`create table demo_access_states (
      id uuid primary key, ${tenant}, state text not null, plan text, effective_at timestamptz, expires_at timestamptz,
      reason text, last_event_id uuid, last_event_at timestamptz, ${ts},
      unique (workspace_id, id), unique (workspace_id));`);
    this.addSql(`create table usage_policies (
      id uuid primary key, ${tenant}, metric text not null, "window" text not null, limit_value bigint not null,
      action text not null default 'block', ${ts}, unique (workspace_id, id), unique (workspace_id, metric, "window"));`);
    this.addSql(`create table usage_counters (
      id uuid primary key, ${tenant}, metric text not null, "window" text not null, window_start timestamptz not null,
      value bigint not null default 0, limit_reached_at timestamptz, ${ts},
      unique (workspace_id, id), unique (workspace_id, metric, "window", window_start));`);

    // Operational and compliance
    this.addSql(`create table audit_logs (
      id uuid primary key, ${tenant}, actor_id uuid, actor_type text not null, action text not null,
      target_type text not null, target_id uuid, changes jsonb not null default '{}', correlation_id text not null,
      occurred_at timestamptz not null default now(), unique (workspace_id, id));`);
    this.addSql(`create index audit_logs_query_idx on audit_logs (workspace_id, occurred_at desc, id desc);`);
    this.addSql(`create table job_runs (
      id uuid primary key, workspace_id uuid references workspaces(id) deferrable initially deferred, handler text not null, operation_key text not null,
      event_id uuid, event_type text, status text not null, attempts integer not null default 1, result jsonb,
      last_error text, started_at timestamptz not null default now(), finished_at timestamptz, duration_ms integer,
      unique (handler, operation_key));`);
    this.addSql(`create index job_runs_workspace_idx on job_runs (workspace_id, started_at desc);`);
    this.addSql(`create table dead_letter_jobs (
      id uuid primary key, workspace_id uuid references workspaces(id) deferrable initially deferred, handler text not null, event_id uuid,
      event_type text, subject text not null, envelope jsonb not null, error text not null, attempts integer not null,
      stream_seq bigint, status text not null default 'dead', replay_attempts integer not null default 0,
      replayed_at timestamptz, replay_error text, created_at timestamptz not null default now());`);
    this.addSql(`create index dead_letter_jobs_handler_idx on dead_letter_jobs (handler, status);`);
    this.addSql(`create table outbox (
      id uuid primary key, workspace_id uuid references workspaces(id) deferrable initially deferred, event_type text not null, subject text not null,
      envelope jsonb not null, created_at timestamptz not null default now(), published_at timestamptz,
      publish_attempts integer not null default 0, last_error text);`);
    this.addSql(`create index outbox_unpublished_idx on outbox (created_at, id) where published_at is null;`);
    this.addSql(`create index outbox_published_idx on outbox (published_at) where published_at is not null;`);
    this.addSql(`create or replace function spine_outbox_notify() returns trigger language plpgsql as
      $$ begin perform pg_notify('spine_outbox', ''); return null; end $$;`);
    this.addSql(`create trigger outbox_notify after insert on outbox for each statement execute function spine_outbox_notify();`);
    this.addSql(`create table idempotency_keys (
      id uuid primary key, user_id uuid not null references users(id) deferrable initially deferred, key text not null, procedure text not null,
      request_hash text not null, response jsonb, created_at timestamptz not null default now(), expires_at timestamptz not null,
      unique (user_id, key));`);
    this.addSql(`create table rate_limit_hits (
      bucket text not null, window_start timestamptz not null, hits integer not null default 0, primary key (bucket, window_start));`);

    for (const table of INITIAL_TENANT_TABLES) {
      this.addSql(`create index ${table}_workspace_idx on ${table} (workspace_id);`);
    }
    // Row-level security: fail closed when no workspace is set.
    for (const table of [...INITIAL_TENANT_TABLES, ...INITIAL_OPERATIONAL_TABLES]) {
      this.addSql(`alter table ${table} enable row level security; alter table ${table} force row level security;`);
    }
    for (const table of INITIAL_TENANT_TABLES.filter((t) => t !== "workspace_memberships")) {
      this.addSql(`create policy tenant_isolation on ${table}
        using (workspace_id = spine_current_workspace()) with check (workspace_id = spine_current_workspace());`);
    }
    for (const table of INITIAL_OPERATIONAL_TABLES) {
      this.addSql(`create policy tenant_isolation on ${table}
        using (workspace_id = spine_current_workspace()) with check (workspace_id = spine_current_workspace());`);
    }
    // A user may see their own memberships in every workspace (to list "my workspaces"); writes stay scoped.
    this.addSql(`create policy tenant_isolation on workspace_memberships
      using (workspace_id = spine_current_workspace() or user_id = spine_current_user())
      with check (workspace_id = spine_current_workspace());`);
    this.addSql(`alter table workspaces enable row level security; alter table workspaces force row level security;`);
    this.addSql(`create policy tenant_isolation on workspaces
      using (id = spine_current_workspace() or id in (select workspace_id from workspace_memberships where user_id = spine_current_user()))
      with check (id = spine_current_workspace());`);

    this.addSql(`grant usage on schema public to ${APP_ROLE}, ${SYSTEM_ROLE};`);
    this.addSql(`grant execute on function spine_current_workspace(), spine_current_user() to ${APP_ROLE}, ${SYSTEM_ROLE};`);
    this.addSql(`grant select, insert, update, delete on users, auth_sessions, workspaces, roles, workspace_memberships,
      projects, items, documents, document_chunks, embeddings, agent_threads, agent_runs, tool_calls, integrations,
      integration_events, demo_access_states, usage_policies, usage_counters, job_runs, dead_letter_jobs,
      idempotency_keys, rate_limit_hits to ${APP_ROLE};`);
    // Append-only for the app: audit and activity history cannot be edited, outbox rows only added.
    this.addSql(`grant select, insert on audit_logs, activity_logs, outbox to ${APP_ROLE};`);
    this.addSql(`grant select, insert, update, delete on all tables in schema public to ${SYSTEM_ROLE};`);
  }

  override async down(): Promise<void> {
    throw new Error("the initial migration is not reversible; drop the database instead");
  }
}
