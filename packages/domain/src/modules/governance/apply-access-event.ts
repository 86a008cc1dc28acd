import type { Operation } from "../../context/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { newId } from "../../orm/ids.ts";
import { foldAccessEvent, INITIAL_ACCESS, type AccessEnvelope, type AccessSnapshot } from "./access-fold.ts";
import { DemoAccessState } from "./entities.ts";

function snapshotOf(row: DemoAccessState): AccessSnapshot {
  return {
    state: row.state, plan: row.plan, effectiveAt: row.effectiveAt, expiresAt: row.expiresAt,
    reason: row.reason, lastEventId: row.lastEventId, lastEventAt: row.lastEventAt,
  };
}

// Serialises the workspace's deliveries, including the first ones, before its state row exists.
const LOCK_WORKSPACE_ACCESS = "select pg_advisory_xact_lock(hashtextextended('demo_access_states:' || ?, 0))";

/**
 * Fold one access lifecycle event into the workspace's `demo_access_states` row (audited as a
 * privileged write). Concurrent deliveries for one workspace apply one after the other (a
 * transaction-scoped advisory lock). Returns whether the event changed anything; a duplicate or an
 * older event is a no-op.
 */
export async function applyAccessEvent(op: Operation, env: AccessEnvelope): Promise<{ applied: boolean; state: AccessSnapshot }> {
  if (env.workspace_id !== op.workspaceId) throw AppError.forbidden("access event of another workspace");
  await op.em.execute(LOCK_WORKSPACE_ACCESS, [op.workspaceId]);
  const row = await op.em.findOne(DemoAccessState, { workspaceId: op.workspaceId });
  const current = row ? snapshotOf(row) : INITIAL_ACCESS;
  const next = foldAccessEvent(current, env);
  if (next === current) return { applied: false, state: current };
  if (row) {
    op.em.assign(row, next);
  } else {
    op.em.create(DemoAccessState, { id: newId(), workspaceId: op.workspaceId, ...next });
  }
  await op.em.flush();
  return { applied: true, state: next };
}
