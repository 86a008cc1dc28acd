import type { Operation } from "../../operation/operation.ts";
import type { Project } from "./entities.ts";
import { findProject } from "./find-project.ts";
import { recordActivity } from "./record-activity.ts";

/** Soft-delete a project (audited by the unit of work). Its items stay, hidden behind it. */
export async function deleteProject(op: Operation, projectId: string): Promise<Project> {
  const project = await findProject(op, projectId);
  op.em.remove(project);
  op.emit("project.deleted", { project_id: project.id });
  recordActivity(op, { verb: "deleted", targetType: "project", targetId: project.id, projectId: project.id, summary: `deleted project ${project.name}` });
  await op.em.flush();
  return project;
}
