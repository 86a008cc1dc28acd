import { randomUUID } from "node:crypto";
import type { Actor, ActorSource } from "./api-harness.ts";

/** A workspace with one of everything, built through the API by its owner. */
export interface WorkspaceFixture {
  h: ActorSource;
  owner: Actor;
  workspaceId: string;
  projectId: string;
  itemId: string;
  documentId: string;
  customRoleId: string;
  /** A new account's email (not yet a member). */
  newUserEmail(): Promise<string>;
  /** Add a new account as `roleKey`; returns its membership id. */
  newMembership(roleKey?: string): Promise<string>;
  newProject(deleted?: boolean): Promise<string>;
  newItem(deleted?: boolean): Promise<string>;
  newDocument(deleted?: boolean): Promise<string>;
  /** Another workspace of the owner, optionally with `member` in it, optionally deleted. */
  spareWorkspace(member: { email: string; roleKey: string } | null, deleted: boolean): Promise<string>;
}

export async function createWorkspaceFixture(h: ActorSource, owner: Actor, name: string): Promise<WorkspaceFixture> {
  const c = owner.client;
  const { workspace } = await c.workspace.create.mutate({ name });
  const workspaceId = workspace.id;
  const project = await c.project.create.mutate({ workspaceId, name: `${name} project` });
  const item = await c.item.create.mutate({ workspaceId, projectId: project.id, title: `${name} item` });
  const doc = await c.document.create.mutate({ workspaceId, projectId: project.id, title: `${name} doc`, content: "hello" });
  const role = await c.role.create.mutate({ workspaceId, key: `custom-${randomUUID().slice(0, 6)}`, name: "Custom", permissions: ["projects.read"] });

  const fixture: WorkspaceFixture = {
    h, owner, workspaceId, projectId: project.id, itemId: item.id, documentId: doc.id, customRoleId: role.id,
    async newUserEmail() {
      return (await h.signUp(`${name}-guest`)).email;
    },
    async newMembership(roleKey = "viewer") {
      const member = await c.member.add.mutate({ workspaceId, email: await fixture.newUserEmail(), roleKey });
      return member.membershipId;
    },
    async newProject(deleted = false) {
      const p = await c.project.create.mutate({ workspaceId, name: "extra" });
      if (deleted) await c.project.delete.mutate({ workspaceId, projectId: p.id });
      return p.id;
    },
    async newItem(deleted = false) {
      const i = await c.item.create.mutate({ workspaceId, projectId: project.id, title: "extra" });
      if (deleted) await c.item.delete.mutate({ workspaceId, itemId: i.id });
      return i.id;
    },
    async newDocument(deleted = false) {
      const d = await c.document.create.mutate({ workspaceId, title: "extra" });
      if (deleted) await c.document.delete.mutate({ workspaceId, documentId: d.id });
      return d.id;
    },
    async spareWorkspace(member, deleted) {
      const spare = await c.workspace.create.mutate({ name: `${name} spare` });
      if (member && member.email !== owner.email) await c.member.add.mutate({ workspaceId: spare.workspace.id, ...member });
      if (deleted) await c.workspace.delete.mutate({ workspaceId: spare.workspace.id });
      return spare.workspace.id;
    },
  };
  return fixture;
}
