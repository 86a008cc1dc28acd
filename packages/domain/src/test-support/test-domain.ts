import type { Domain } from "../runtime/domain.ts";
import type { OperationContext } from "../context/operation-context.ts";
import { Role, User, Workspace, WorkspaceMembership } from "../modules/identity/entities.ts";
import { newId } from "../shared/ids.ts";
import { activateNewWorkspace } from "../modules/governance/activate-new-workspace.ts";

export interface SeededWorkspace {
  workspaceId: string;
  userId: string;
  roleId: string;
  membershipId: string;
}

export function userCtx(workspaceId: string | null, userId: string, correlationId = `corr-${newId()}`): OperationContext {
  return { workspaceId, actorId: userId, actorType: "user", correlationId };
}

/** A user who owns a new workspace (user, workspace, owner role, membership) committed in one operation. */
export async function seedWorkspace(domain: Domain, slug: string, options: { access?: boolean } = {}): Promise<SeededWorkspace> {
  const userId = newId();
  const workspaceId = newId();
  const roleId = newId();
  const membershipId = newId();
  await domain.run(userCtx(null, userId), async (op) => {
    op.em.create(User, { id: userId, email: `${slug}-${userId}@example.test`, passwordHash: "x", displayName: slug });
    await op.enterWorkspace(workspaceId);
    op.em.create(Workspace, { id: workspaceId, name: slug, slug: `${slug}-${workspaceId}`, createdBy: userId });
    op.em.create(Role, { id: roleId, workspaceId, key: "owner", name: "Owner", permissions: ["*"], builtIn: true });
    op.em.create(WorkspaceMembership, { id: membershipId, workspaceId, userId, roleId });
    // Born active, as createWorkspace does; `access: false` leaves it without access history.
    if (options.access ?? true) {
      await op.em.flush();
      await activateNewWorkspace(op);
    }
  });
  return { workspaceId, userId, roleId, membershipId };
}
