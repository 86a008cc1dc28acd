import type { EnvelopeOf, EventPayload } from "@spine/contracts";
import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { newId } from "../../shared/ids.ts";
import { Workspace } from "../identity/entities.ts";
import {
  foldAccessHistory, INITIAL_ACCESS, type AccessEnvelope, type AccessEventType, type AccessHistoryEvent, type AccessSnapshot,
} from "./access-fold.ts";
import { AccessEventRecord, DemoAccessState } from "./entities.ts";
import { planTierOf } from "./plan-tiers.ts";
import { syncPlanPolicies } from "./sync-plan-policies.ts";

// Serialises the workspace's lifecycle changes, including the first ones, before its state row exists.
const LOCK_WORKSPACE_ACCESS = "select pg_advisory_xact_lock(hashtextextended('demo_access_states:' || ?, 0))";

export function snapshotOf(row: DemoAccessState): AccessSnapshot {
  return {
    state: row.state, plan: row.plan ?? null, effectiveAt: row.effectiveAt ?? null, expiresAt: row.expiresAt ?? null, reason: row.reason ?? null,
    lastEventId: row.lastEventId ?? null, lastEventAt: row.lastEventAt ?? null, version: row.version, nextTransitionAt: row.nextTransitionAt ?? null,
  };
}

const time = (d: Date | null): number | null => (d === null ? null : d.getTime());

/** Field-by-field equality of two states (dates by instant). */
export function sameAccessSnapshot(a: AccessSnapshot, b: AccessSnapshot): boolean {
  return a.state === b.state && a.plan === b.plan && a.reason === b.reason && a.lastEventId === b.lastEventId && a.version === b.version
    && time(a.effectiveAt) === time(b.effectiveAt) && time(a.expiresAt) === time(b.expiresAt)
    && time(a.lastEventAt) === time(b.lastEventAt) && time(a.nextTransitionAt) === time(b.nextTransitionAt);
}

/** The workspace's recorded access history, in (effective_at, id) order. */
export async function loadAccessHistory(op: Operation): Promise<AccessHistoryEvent[]> {
  const rows = await op.em.find(AccessEventRecord, {}, { orderBy: { effectiveAt: "asc", id: "asc" } });
  return rows.map((r) => ({ id: r.id, type: r.eventType, payload: r.payload }) as AccessHistoryEvent);
}

/**
 * Store `next` in `demo_access_states` (audited as a privileged write); the plan's tier goes to
 * `workspaces.plan_tier`, and the tier's default usage policies follow it.
 */
async function storeAccessState(op: Operation, row: DemoAccessState | null, next: AccessSnapshot): Promise<void> {
  if (row) op.em.assign(row, next);
  else op.em.create(DemoAccessState, { id: newId(), workspaceId: op.workspaceId, ...next });
  const workspace = await op.em.findOne(Workspace, { id: op.workspaceId });
  const tier = next.plan === null ? null : planTierOf(next.plan);
  if (workspace && tier !== null && (workspace.planTier !== tier || row === null)) {
    workspace.planTier = tier;
    await syncPlanPolicies(op, tier);
  }
  await op.em.flush();
}

async function refold(op: Operation, now: Date): Promise<{ changed: boolean; state: AccessSnapshot }> {
  const row = await op.em.findOne(DemoAccessState, { workspaceId: op.workspaceId });
  const current = row ? snapshotOf(row) : INITIAL_ACCESS;
  const next = foldAccessHistory(await loadAccessHistory(op), now);
  if (row && sameAccessSnapshot(current, next)) return { changed: false, state: current };
  await storeAccessState(op, row, next);
  return { changed: true, state: next };
}

/**
 * Record one access lifecycle envelope in the workspace's history (once per event id) and fold the
 * history again as of `now`. A duplicate changes nothing; a future-dated event is stored and takes
 * effect when the expiry job (or the next change) folds past its effective_at; a late event with an
 * earlier effective_at is placed by the fold where it belongs. Concurrent deliveries for one
 * workspace apply one after the other (a transaction-scoped advisory lock).
 */
export async function recordAccessEvent(op: Operation, env: AccessEnvelope, now: Date = new Date()): Promise<{ recorded: boolean; state: AccessSnapshot }> {
  if (env.workspace_id !== op.workspaceId) throw AppError.forbidden("access event of another workspace");
  await op.em.execute(LOCK_WORKSPACE_ACCESS, [op.workspaceId]);
  const existing = await op.em.findOne(AccessEventRecord, { id: env.event_id });
  if (!existing) {
    op.em.create(AccessEventRecord, {
      id: env.event_id, workspaceId: op.workspaceId, eventType: env.event_type,
      payload: env.payload as unknown as Record<string, unknown>, effectiveAt: new Date(env.payload.effective_at),
    });
    await op.em.flush();
  }
  const { state } = await refold(op, now);
  return { recorded: !existing, state };
}

export type LifecycleEvent =
  | { type: "access.activated"; payload: EventPayload<"access.activated"> }
  | { type: "access.changed"; payload: EventPayload<"access.changed"> }
  | { type: "access.deactivated"; payload: EventPayload<"access.deactivated"> };

/**
 * The one entry point for access lifecycle changes, whatever their source: the owner's
 * `access.change`, workspace creation (born active), the expiry job, and a billing provider's
 * webhook (translate its subscription event into one of these and call this in the ingestion
 * transaction). Emits the `access.*` event to the outbox and folds it into the state, in the
 * caller's transaction.
 */
export async function applyLifecycleEvent(op: Operation, event: LifecycleEvent, now: Date = new Date()): Promise<AccessSnapshot> {
  // EnvelopeOf<T> for T in the access types is one member of AccessEnvelope; TS cannot distribute a generic.
  const envelope = op.emit(event.type, event.payload as never) as EnvelopeOf<AccessEventType> as AccessEnvelope;
  return (await recordAccessEvent(op, envelope, now)).state;
}

/** Fold the history again as of `now` (future-dated events that came due take effect); for the expiry job. */
export async function refreshAccessState(op: Operation, now: Date = new Date()): Promise<{ changed: boolean; state: AccessSnapshot }> {
  await op.em.execute(LOCK_WORKSPACE_ACCESS, [op.workspaceId]);
  return refold(op, now);
}

export interface AccessRebuild {
  stored: AccessSnapshot | null;
  rebuilt: AccessSnapshot;
  equal: boolean;
  /** Whether the rebuilt state was written (never with `check`). */
  written: boolean;
  events: number;
}

/**
 * Rebuild the state from the history as of `now` and compare it with the stored row. With `check`
 * nothing is written; otherwise a differing row is replaced by the rebuilt state.
 */
export async function rebuildAccessState(op: Operation, options: { check: boolean; now?: Date }): Promise<AccessRebuild> {
  await op.em.execute(LOCK_WORKSPACE_ACCESS, [op.workspaceId]);
  const row = await op.em.findOne(DemoAccessState, { workspaceId: op.workspaceId });
  const history = await loadAccessHistory(op);
  const rebuilt = foldAccessHistory(history, options.now ?? new Date());
  const stored = row ? snapshotOf(row) : null;
  const equal = stored !== null && sameAccessSnapshot(stored, rebuilt);
  if (equal || options.check) return { stored, rebuilt, equal, written: false, events: history.length };
  await storeAccessState(op, row, rebuilt);
  return { stored, rebuilt, equal, written: true, events: history.length };
}
