import type { Operation } from "../../operation/operation.ts";
import { consumeUsage } from "../governance/consume-usage.ts";
import { newId } from "../../shared/ids.ts";
import { Project } from "./entities.ts";
import { recordActivity } from "./record-activity.ts";

/** Create a project in the operation's workspace: the project, its event and its activity line in one statement. */
export async function createProject(op: Operation, input: { name: string; description?: string | undefined }): Promise<Project> {
  await consumeUsage(op, { metric: "projects" });
  return op.insertTogether(() => {
    const project = op.newRow(Project, {
      id: newId(), workspaceId: op.workspaceId, name: input.name, description: input.description ?? "", createdBy: op.ctx.actorId,
    });
    op.emit("project.created", { project_id: project.id, name: project.name });
    recordActivity(op, { verb: "created", targetType: "project", targetId: project.id, projectId: project.id, summary: `created project ${project.name}` });
    return project;
  });
}
