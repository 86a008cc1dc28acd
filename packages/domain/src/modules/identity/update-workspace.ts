import type { Operation } from "../../operation/operation.ts";
import { recordActivity } from "../product/record-activity.ts";
import type { Workspace } from "./entities.ts";

export interface UpdateWorkspaceInput {
  name?: string | undefined;
  settings?: Record<string, unknown> | undefined;
}

/** Rename a workspace or replace its settings; audited by the unit of work. */
export async function updateWorkspace(op: Operation, workspace: Workspace, input: UpdateWorkspaceInput): Promise<Workspace> {
  const changed: string[] = [];
  if (input.name !== undefined && input.name.trim() !== workspace.name) {
    workspace.name = input.name.trim();
    changed.push("name");
  }
  if (input.settings !== undefined) {
    workspace.settings = input.settings;
    changed.push("settings");
  }
  if (changed.length === 0) return workspace;
  op.emit("workspace.updated", { workspace_id: workspace.id, changed_fields: changed });
  recordActivity(op, { verb: "updated", targetType: "workspace", targetId: workspace.id, summary: `updated ${changed.join(", ")}`, data: { changed_fields: changed } });
  await op.em.flush();
  return workspace;
}
