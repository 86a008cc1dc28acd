import { Migration } from "@mikro-orm/migrations";
import { APP_ROLE, SYSTEM_ROLE } from "../roles.ts";

const RFC3339 = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Access state as a fold of its history. `access_events` keeps every lifecycle event (append-only
 * for the application); `demo_access_states` gains the fold's version and the next instant it
 * changes by itself (a future-dated event coming due, or expiry), which the worker's expiry job scans.
 * Backfill: each existing state row becomes the one event that reproduces it, and every workspace
 * without access history is given the `access.activated` on its plan tier it would have been born with.
 * `usage_policies.source` tells a plan tier's default limits (replaced when the tier changes) from the
 * workspace's own. Runs as the owner (bypasses RLS).
 */
export class Migration2026120211001_access_fold extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table access_events (
      id uuid primary key, workspace_id uuid not null references workspaces(id) deferrable initially deferred,
      event_type text not null check (event_type in ('access.activated', 'access.changed', 'access.deactivated')),
      payload jsonb not null, effective_at timestamptz not null, recorded_at timestamptz not null default now(),
      unique (workspace_id, id));`);
    this.addSql(`create index access_events_workspace_idx on access_events (workspace_id, effective_at, id);`);
    this.addSql(`alter table access_events enable row level security; alter table access_events force row level security;`);
    this.addSql(`create policy tenant_isolation on access_events
      using (workspace_id = spine_current_workspace()) with check (workspace_id = spine_current_workspace());`);
    this.addSql(`grant select, insert on access_events to ${APP_ROLE};`);
    this.addSql(`grant select, insert, update, delete on access_events to ${SYSTEM_ROLE};`);

    this.addSql(`alter table demo_access_states add column version integer not null default 0, add column next_transition_at timestamptz;`);
    this.addSql(`create index demo_access_states_next_transition_idx on demo_access_states (next_transition_at) where next_transition_at is not null;`);

    this.addSql(`alter table usage_policies add column source text not null default 'workspace',
      add constraint usage_policies_source_check check (source in ('workspace', 'plan'));`);

    // Existing rows: one event each that reproduces the row.
    this.addSql(`update demo_access_states set last_event_id = coalesce(last_event_id, gen_random_uuid()),
      effective_at = coalesce(effective_at, created_at), last_event_at = coalesce(effective_at, created_at);`);
    this.addSql(`insert into access_events (id, workspace_id, event_type, payload, effective_at)
      select s.last_event_id, s.workspace_id,
        case when s.state = 'active' then 'access.activated' else 'access.deactivated' end,
        case when s.state = 'active'
          then jsonb_build_object('plan', coalesce(s.plan, w.plan_tier), 'effective_at', ${RFC3339("s.effective_at")},
                                  'expires_at', case when s.expires_at is null then null else ${RFC3339("s.expires_at")} end)
          else jsonb_build_object('reason', coalesce(s.reason, 'deactivated'), 'effective_at', ${RFC3339("s.effective_at")}) end,
        s.effective_at
      from demo_access_states s join workspaces w on w.id = s.workspace_id;`);
    this.addSql(`update demo_access_states s set version = 1,
      plan = case when s.state = 'active' then coalesce(s.plan, w.plan_tier) else null end,
      reason = case when s.state = 'active' then null else coalesce(s.reason, 'deactivated') end,
      expires_at = case when s.state = 'active' then s.expires_at else null end,
      next_transition_at = case when s.state = 'active' then s.expires_at else null end
      from workspaces w where w.id = s.workspace_id;`);
    // Workspaces without history: born active on their tier.
    this.addSql(`insert into access_events (id, workspace_id, event_type, payload, effective_at)
      select gen_random_uuid(), w.id, 'access.activated',
        jsonb_build_object('plan', w.plan_tier, 'effective_at', ${RFC3339("w.created_at")}, 'expires_at', null), w.created_at
      from workspaces w where not exists (select 1 from demo_access_states s where s.workspace_id = w.id);`);
    this.addSql(`insert into demo_access_states (id, workspace_id, state, plan, effective_at, expires_at, reason, last_event_id, last_event_at, version)
      select gen_random_uuid(), e.workspace_id, 'active', e.payload->>'plan', e.effective_at, null, null, e.id, e.effective_at, 1
      from access_events e where not exists (select 1 from demo_access_states s where s.workspace_id = e.workspace_id);`);
    this.addSql(`update workspaces w set plan_tier = s.plan from demo_access_states s
      where s.workspace_id = w.id and s.plan in ('free', 'pro', 'enterprise') and w.plan_tier <> s.plan;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists demo_access_states_next_transition_idx;`);
    this.addSql(`alter table demo_access_states drop column if exists version, drop column if exists next_transition_at;`);
    this.addSql(`drop table if exists access_events;`);
    this.addSql(`alter table usage_policies drop column if exists source;`);
  }
}
