import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { findIntegration } from "./find-integration.ts";
import type { Integration } from "./entities.ts";

/** Providers Spine can sync from (pull records through the provider's API). */
export const SYNC_PROVIDERS: ReadonlySet<string> = new Set(["github"]);

/** Consecutive failed sync jobs after which an integration is disabled, unless its config says `disableAfterFailures`. */
export const DEFAULT_DISABLE_AFTER_FAILURES = 5;

function assertSyncable(integration: Integration): void {
  if (!SYNC_PROVIDERS.has(integration.provider)) {
    throw AppError.badRequest(`provider ${integration.provider} has no sync`, [{ path: "integrationId", message: `${integration.provider} cannot be synced` }]);
  }
  if (integration.status === "disabled") {
    throw AppError.precondition("the integration is disabled after repeated sync failures; enable it (integration.enable) first");
  }
}

/**
 * Ask for a sync now (`integration.sync`): recorded on the integration (audited) and queued on the
 * JOBS stream by the worker's sync scheduler as `sync:<integration>:manual-<request ms>`. Asking again
 * before it is queued keeps the first request.
 */
export async function requestIntegrationSync(op: Operation, integrationId: string): Promise<{ integrationId: string; requestedAt: Date }> {
  const integration = await findIntegration(op, integrationId);
  assertSyncable(integration);
  const [row] = await op.em.execute<{ sync_requested_at: Date }[]>(
    `update integrations set sync_requested_at = coalesce(sync_requested_at, date_trunc('milliseconds', now())) where id = ? returning sync_requested_at`, [integration.id]);
  const requestedAt = new Date(row!.sync_requested_at);
  op.audit({ action: "integration.sync_requested", targetType: "integration", targetId: integration.id, changes: { after: { sync_requested_at: requestedAt.toISOString() } } });
  return { integrationId: integration.id, requestedAt };
}

/** A sync job the scheduler should put on the JOBS stream. */
export interface DueSync {
  workspaceId: string;
  integrationId: string;
  provider: string;
  trigger: "manual" | "scheduled";
  /** The window of the operation key `sync:<integration>:<window>`. */
  window: string;
  /** The manual request this job answers (cleared once queued), or null. */
  requestedAt: Date | null;
  /** The database's time when the job was found due (before it was published). */
  checkedAt: Date;
}

interface DueRow {
  workspace_id: string;
  id: string;
  provider: string;
  sync_requested_at: Date | null;
  interval_s: number | null;
  checked_at: Date;
}

const DUE = `select workspace_id, id, provider, sync_requested_at, now() as checked_at,
    case when jsonb_typeof(config->'syncIntervalSeconds') = 'number' then (config->>'syncIntervalSeconds')::numeric::int end as interval_s
  from integrations
  where deleted_at is null and status in ('connected', 'error') and provider = any(string_to_array(?, ','))
    and (sync_requested_at is not null
      or (jsonb_typeof(config->'syncIntervalSeconds') = 'number' and (config->>'syncIntervalSeconds')::numeric >= 1
          and (sync_queued_at is null or sync_queued_at <= ?::timestamptz - make_interval(secs => (config->>'syncIntervalSeconds')::numeric))))
  order by coalesce(sync_requested_at, sync_queued_at, created_at), id
  limit ?`;

/**
 * The sync jobs due at `now`, across workspaces (system role): every manual request, and every
 * integration whose `syncIntervalSeconds` passed since its last job was queued. A scheduled job's
 * window is the interval it falls in, so queueing it twice in one interval is one operation.
 */
export async function findDueSyncs(op: Operation, now: Date, limit = 100): Promise<DueSync[]> {
  const rows = await op.em.execute<DueRow[]>(DUE, [[...SYNC_PROVIDERS].join(","), now.toISOString(), limit]);
  return rows.map((r) => {
    if (r.sync_requested_at !== null) {
      const requestedAt = new Date(r.sync_requested_at);
      return {
        workspaceId: r.workspace_id, integrationId: r.id, provider: r.provider, trigger: "manual" as const, window: `manual-${requestedAt.getTime()}`,
        requestedAt, checkedAt: new Date(r.checked_at),
      };
    }
    const interval = r.interval_s ?? 1;
    const n = Math.floor(now.getTime() / 1000 / interval);
    return {
      workspaceId: r.workspace_id, integrationId: r.id, provider: r.provider, trigger: "scheduled" as const, window: `every-${interval}-${n}`,
      requestedAt: null, checkedAt: new Date(r.checked_at),
    };
  });
}

/**
 * The job is on the JOBS stream: remember when, clear the request it answers, and show it queued —
 * unless the stream dropped it as a duplicate of a job already queued, or the job already started
 * (a fast job can finish before this runs) (system role).
 */
export async function markSyncQueued(op: Operation, job: DueSync, options: { duplicate: boolean } = { duplicate: false }): Promise<void> {
  await op.em.execute(
    `update integrations set sync_queued_at = now(),
       sync_state = case when sync_state = 'running' or ? or coalesce(last_sync_started_at >= ?::timestamptz, false) then sync_state else 'queued' end,
       sync_requested_at = case when date_trunc('milliseconds', sync_requested_at) = ?::timestamptz then null else sync_requested_at end
     where id = ?`,
    [options.duplicate, job.checkedAt.toISOString(), job.requestedAt?.toISOString() ?? null, job.integrationId],
  );
}

/** A sync job starts: the integration it syncs, if it can still be synced (null: skip the job). */
export async function startIntegrationSync(op: Operation, integrationId: string): Promise<Integration | null> {
  const integration = await findIntegration(op, integrationId, { includeDeleted: true });
  if (integration.deletedAt || integration.status === "disconnected" || integration.status === "disabled") return null;
  await op.em.execute(`update integrations set sync_state = 'running', last_sync_started_at = now() where id = ?`, [integration.id]);
  return integration;
}

/**
 * A sync job succeeded: the cursor moves on, the failure run ends, and an integration in `error`
 * is `connected` again (audited).
 */
export async function recordSyncSuccess(op: Operation, input: { integrationId: string; cursor: string | null }): Promise<void> {
  const integration = await findIntegration(op, input.integrationId);
  await op.em.execute(
    `update integrations set sync_state = 'succeeded', last_sync_at = now(), last_sync_error = null, consecutive_sync_failures = 0,
       sync_cursor = coalesce(?, sync_cursor) where id = ?`,
    [input.cursor, integration.id],
  );
  if (integration.status === "error") {
    integration.status = "connected";
    await op.em.flush();
    op.emit("integration.updated", { integration_id: integration.id, provider: integration.provider, changed_fields: ["status"] });
  }
}

/** The sync cursor (the provider's `since`) of an integration, or null before its first sync. */
export async function syncCursorOf(op: Operation, integrationId: string): Promise<string | null> {
  const [row] = await op.em.execute<{ sync_cursor: string | null }[]>(`select sync_cursor from integrations where id = ?`, [integrationId]);
  return row?.sync_cursor ?? null;
}

/**
 * Enable an integration again after it was disabled (or left in `error`) by failed syncs: back to
 * `connected`, the failure run cleared (audited; announces integration.updated).
 */
export async function enableIntegration(op: Operation, integrationId: string): Promise<Integration> {
  const integration = await findIntegration(op, integrationId);
  if (integration.status === "connected") return integration;
  integration.status = "connected";
  await op.em.flush();
  await op.em.execute(`update integrations set consecutive_sync_failures = 0, sync_state = 'idle', last_sync_error = null where id = ?`, [integration.id]);
  op.emit("integration.updated", { integration_id: integration.id, provider: integration.provider, changed_fields: ["status"] });
  return integration;
}
