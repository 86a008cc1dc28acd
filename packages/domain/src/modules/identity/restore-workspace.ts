import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { recordActivity } from "../product/record-activity.ts";
import type { Workspace } from "./entities.ts";

/** Undo a soft delete of a workspace. */
export async function restoreWorkspace(op: Operation, workspace: Workspace): Promise<Workspace> {
  if (!workspace.deletedAt) throw AppError.precondition("workspace is not deleted");
  workspace.deletedAt = null;
  op.emit("workspace.restored", { workspace_id: workspace.id });
  recordActivity(op, { verb: "restored", targetType: "workspace", targetId: workspace.id, summary: `restored workspace ${workspace.name}` });
  await op.em.flush();
  return workspace;
}
