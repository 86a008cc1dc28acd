import type { Operation } from "../../operation/operation.ts";
import { newId } from "../../shared/ids.ts";
import { ActivityLog } from "../../platform/entities.ts";

export interface ActivityEntry {
  verb: string;
  targetType: string;
  targetId: string | null;
  summary: string;
  projectId?: string | null;
  data?: Record<string, unknown>;
}

/** Add a line to the workspace's activity feed in the operation's transaction. */
export function recordActivity(op: Operation, entry: ActivityEntry): ActivityLog {
  return op.newRow(ActivityLog, {
    id: newId(),
    workspaceId: op.workspaceId,
    projectId: entry.projectId ?? null,
    actorId: op.ctx.actorType === "user" ? op.ctx.actorId : null,
    verb: entry.verb,
    targetType: entry.targetType,
    targetId: entry.targetId,
    summary: entry.summary.slice(0, 500),
    data: entry.data ?? {},
    correlationId: op.ctx.correlationId,
  });
}
