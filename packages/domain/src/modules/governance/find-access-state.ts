import type { Operation } from "../../operation/operation.ts";
import { INITIAL_ACCESS, type AccessSnapshot } from "./access-fold.ts";
import { snapshotOf } from "./apply-lifecycle-event.ts";
import { DemoAccessState } from "./entities.ts";

/** The workspace's stored access state; a workspace that never had an access event is inactive. */
export async function findAccessState(op: Operation): Promise<AccessSnapshot> {
  const row = await op.em.findOne(DemoAccessState, { workspaceId: op.workspaceId });
  return row ? snapshotOf(row) : INITIAL_ACCESS;
}
