import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { recordActivity } from "../product/record-activity.ts";
import type { Workspace } from "./entities.ts";

/** Soft-delete a workspace; its data stays until restored or purged. */
export async function deleteWorkspace(op: Operation, workspace: Workspace): Promise<Workspace> {
  if (workspace.deletedAt) throw AppError.notFound("workspace", workspace.id);
  op.em.remove(workspace);
  op.emit("workspace.deleted", { workspace_id: workspace.id });
  recordActivity(op, { verb: "deleted", targetType: "workspace", targetId: workspace.id, summary: `deleted workspace ${workspace.name}` });
  await op.em.flush();
  return workspace;
}
