import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { Role, Workspace, WorkspaceMembership } from "./entities.ts";
import type { TPermission } from "./permissions.ts";

export interface WorkspaceAccess {
  workspace: Workspace;
  membership: WorkspaceMembership;
  role: Role;
}

/**
 * The acting user's membership and role in the operation's workspace, checked for `permission`.
 * Non-members and deleted workspaces get NOT_FOUND, so a workspace's existence does not leak.
 */
export async function authorizeMember(
  op: Operation,
  permission: TPermission,
  options: { allowDeletedWorkspace?: boolean } = {},
): Promise<WorkspaceAccess> {
  const workspaceId = op.workspaceId;
  const message = `workspace ${workspaceId} not found`;
  const notFound = new AppError("NOT_FOUND", message, { issues: [{ path: "workspaceId", message }] });
  if (op.ctx.actorType !== "user" || !op.ctx.actorId) throw notFound;
  const membership = await op.em.findOne(WorkspaceMembership, { userId: op.ctx.actorId });
  if (!membership) throw notFound;
  const workspace = await op.em.findOne(Workspace, { id: workspaceId }, { filters: { notDeleted: false } });
  if (!workspace) throw notFound;
  if (workspace.deletedAt && !options.allowDeletedWorkspace) throw notFound;
  const role = await op.em.findOneOrFail(Role, { id: membership.roleId });
  if (!role.permissions.includes(permission)) {
    throw AppError.forbidden(`role "${role.key}" lacks permission "${permission}"`);
  }
  return { workspace, membership, role };
}
