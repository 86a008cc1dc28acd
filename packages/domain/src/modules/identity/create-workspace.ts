import { randomBytes } from "node:crypto";
import type { Operation } from "../../operation/operation.ts";
import { newId } from "../../shared/ids.ts";
import { activateNewWorkspace } from "../governance/activate-new-workspace.ts";
import { recordActivity } from "../product/record-activity.ts";
import { Role, Workspace, WorkspaceMembership } from "./entities.ts";
import { BUILT_IN_ROLE_KEYS, BUILT_IN_ROLES } from "./permissions.ts";

export interface CreateWorkspaceInput {
  name: string;
  slug?: string | undefined;
  settings?: Record<string, unknown> | undefined;
}

function slugify(name: string): string {
  const base = name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
  return `${base || "workspace"}-${randomBytes(3).toString("hex")}`;
}

/** Create a workspace with its built-in roles, born active on the default plan; the acting user becomes its owner. */
export async function createWorkspace(op: Operation, input: CreateWorkspaceInput): Promise<{ workspace: Workspace; role: Role }> {
  const userId = op.ctx.actorId;
  if (!userId) throw new Error("createWorkspace needs a user actor");
  const id = newId();
  await op.enterWorkspace(id);
  const workspace = op.em.create(Workspace, {
    id, name: input.name.trim(), slug: input.slug ?? slugify(input.name), createdBy: userId, settings: input.settings ?? {},
  });
  const roles = BUILT_IN_ROLE_KEYS.map((key) =>
    op.em.create(Role, { id: newId(), workspaceId: id, key, name: BUILT_IN_ROLES[key].name, permissions: [...BUILT_IN_ROLES[key].permissions], builtIn: true }),
  );
  const owner = roles[0]!;
  const membership = op.em.create(WorkspaceMembership, { id: newId(), workspaceId: id, userId, roleId: owner.id });
  op.emit("workspace.created", { workspace_id: id, name: workspace.name, slug: workspace.slug, created_by: userId });
  op.emit("membership.added", { membership_id: membership.id, user_id: userId, role: owner.key });
  recordActivity(op, { verb: "created", targetType: "workspace", targetId: id, summary: `created workspace ${workspace.name}` });
  await op.em.flush();
  await activateNewWorkspace(op);
  return { workspace, role: owner };
}
