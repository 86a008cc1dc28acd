import type { Operation } from "../../operation/operation.ts";
import type { Project } from "./entities.ts";
import { findProject } from "./find-project.ts";
import { recordActivity } from "./record-activity.ts";

/** Change a project's name or description. */
export async function updateProject(op: Operation, input: { projectId: string; name?: string | undefined; description?: string | undefined }): Promise<Project> {
  const project = await findProject(op, input.projectId);
  const changed: string[] = [];
  if (input.name !== undefined && input.name !== project.name) { project.name = input.name; changed.push("name"); }
  if (input.description !== undefined && input.description !== project.description) { project.description = input.description; changed.push("description"); }
  if (changed.length === 0) return project;
  op.emit("project.updated", { project_id: project.id, changed_fields: changed });
  recordActivity(op, { verb: "updated", targetType: "project", targetId: project.id, projectId: project.id, summary: `updated ${changed.join(", ")}`, data: { changed_fields: changed } });
  await op.em.flush();
  return project;
}
