import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import type { Project } from "./entities.ts";
import { findProject } from "./find-project.ts";
import { recordActivity } from "./record-activity.ts";

/** Undo a project's soft delete. */
export async function restoreProject(op: Operation, projectId: string): Promise<Project> {
  const project = await findProject(op, projectId, { includeDeleted: true });
  if (!project.deletedAt) throw AppError.precondition("project is not deleted");
  project.deletedAt = null;
  op.emit("project.restored", { project_id: project.id });
  recordActivity(op, { verb: "restored", targetType: "project", targetId: project.id, projectId: project.id, summary: `restored project ${project.name}` });
  await op.em.flush();
  return project;
}
