import type { Operation } from "../../context/operation.ts";
import { INITIAL_ACCESS, type AccessSnapshot } from "./access-fold.ts";
import { DemoAccessState } from "./entities.ts";

/** The workspace's current access state; a workspace that never had an access event is inactive. */
export async function findAccessState(op: Operation): Promise<AccessSnapshot> {
  const row = await op.em.findOne(DemoAccessState, { workspaceId: op.workspaceId });
  if (!row) return INITIAL_ACCESS;
  return {
    state: row.state, plan: row.plan, effectiveAt: row.effectiveAt, expiresAt: row.expiresAt,
    reason: row.reason, lastEventId: row.lastEventId, lastEventAt: row.lastEventAt,
  };
}
