import type pg from "pg";
import type { Operation } from "../../operation/operation.ts";
import { newId } from "../../shared/ids.ts";
import { accessStatusAt, type AccessSnapshot } from "./access-fold.ts";
import { applyLifecycleEvent, refreshAccessState } from "./apply-lifecycle-event.ts";

/** The `job_runs.handler` of the expiry job; its operation key is `access-expiry:<workspace>:<state version>`. */
export const ACCESS_EXPIRY_HANDLER = "access-expiry";

export const accessExpiryKey = (workspaceId: string, version: number): string => `${ACCESS_EXPIRY_HANDLER}:${workspaceId}:${version}`;

const DUE = `select workspace_id from demo_access_states
  where next_transition_at <= $1 order by next_transition_at, workspace_id limit $2`;

// The run is recorded as succeeded in the transaction that emits the event: a second worker blocks
// on the unique (handler, operation_key) until the first commits, then finds the key taken; a
// worker that crashes before commit leaves no row, so the next pass does the work.
const CLAIM = `insert into job_runs (id, workspace_id, handler, operation_key, status, attempts, started_at, finished_at, duration_ms)
  values (?, ?, ?, ?, 'succeeded', 1, now(), now(), 0)
  on conflict (handler, operation_key) do nothing returning id`;

/**
 * Workspaces whose access may change by itself by `now` (a future-dated event came due, or expiry).
 * `pool` must connect as the system role (it reads every workspace); each workspace is then handled
 * by `runAccessTransition` in its own scoped transaction.
 */
export async function listDueAccessTransitions(pool: pg.Pool, query: { now?: Date; limit?: number } = {}): Promise<string[]> {
  const { rows } = await pool.query<{ workspace_id: string }>(DUE, [query.now ?? new Date(), query.limit ?? 100]);
  return rows.map((r) => r.workspace_id);
}

export type AccessTransitionOutcome = "expired" | "refreshed" | "unchanged" | "already-expired";

/**
 * Act on the workspace's due access transitions at `now`, in its own transaction: fold in the
 * future-dated events that came due, then, if active access is past its expiry, emit
 * `access.deactivated` (reason `expired`, effective at the expiry, or just after the event that set
 * an expiry already past) exactly once per state version,
 * keyed `access-expiry:<workspace>:<version>` in `job_runs`.
 */
export async function runAccessTransition(op: Operation, now: Date = new Date()): Promise<{ outcome: AccessTransitionOutcome; state: AccessSnapshot }> {
  const refreshed = await refreshAccessState(op, now);
  const state = refreshed.state;
  if (accessStatusAt(state, now) !== "expired" || state.expiresAt === null) {
    return { outcome: refreshed.changed ? "refreshed" : "unchanged", state };
  }
  const claimed = await op.em.execute<{ id: string }[]>(CLAIM, [newId(), op.workspaceId, ACCESS_EXPIRY_HANDLER, accessExpiryKey(op.workspaceId, state.version)]);
  if (claimed.length === 0) return { outcome: "already-expired", state };
  // Effective at the expiry, but never before the event that set it (an expiry already past when it
  // was set): the deactivation must fold after that event, or the fold would undo it.
  const lastAt = state.lastEventAt === null ? 0 : state.lastEventAt.getTime() + 1;
  const effectiveAt = new Date(Math.max(state.expiresAt.getTime(), lastAt));
  const next = await applyLifecycleEvent(op, { type: "access.deactivated", payload: { reason: "expired", effective_at: effectiveAt.toISOString() } }, now);
  return { outcome: "expired", state: next };
}
