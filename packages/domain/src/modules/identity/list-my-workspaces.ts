import type { Operation } from "../../operation/operation.ts";
import { Role, Workspace, WorkspaceMembership } from "./entities.ts";

/** Workspaces the acting user belongs to, with their role in each (RLS shows a user their own memberships). */
export async function listMyWorkspaces(op: Operation, options: { includeDeleted: boolean }): Promise<{ workspace: Workspace; role: Role }[]> {
  const userId = op.ctx.actorId;
  if (!userId) return [];
  const memberships = await op.em.find(WorkspaceMembership, { userId }, { filters: { tenant: false } });
  if (memberships.length === 0) return [];
  const workspaces = await op.em.find(
    Workspace,
    { id: { $in: memberships.map((m) => m.workspaceId) } },
    { filters: { notDeleted: !options.includeDeleted }, orderBy: { id: "asc" } },
  );
  const roles = await op.em.find(Role, { id: { $in: memberships.map((m) => m.roleId) } }, { filters: { tenant: false } });
  const roleById = new Map(roles.map((r) => [r.id, r]));
  const roleOfWorkspace = new Map(memberships.map((m) => [m.workspaceId, roleById.get(m.roleId)]));
  return workspaces.flatMap((workspace) => {
    const role = roleOfWorkspace.get(workspace.id);
    return role ? [{ workspace, role }] : [];
  });
}
