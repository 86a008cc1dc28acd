import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { Project } from "./entities.ts";

/** A project of the operation's workspace; deleted ones only when asked for. */
export async function findProject(op: Operation, projectId: string, options: { includeDeleted?: boolean; field?: string } = {}): Promise<Project> {
  const project = await op.em.findOne(Project, { id: projectId }, { filters: { notDeleted: !options.includeDeleted } });
  if (!project) {
    const message = `project ${projectId} not found`;
    throw new AppError("NOT_FOUND", message, { issues: [{ path: options.field ?? "projectId", message }] });
  }
  return project;
}
