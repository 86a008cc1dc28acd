import { afterAll, beforeAll } from "vitest";
import { createTestDatabase, testKeyRing, type TestDatabase } from "./test-database.ts";
import { Domain } from "../runtime/domain.ts";
import type { OperationContext } from "../context/operation-context.ts";
import { Role, User, Workspace, WorkspaceMembership } from "../modules/identity/entities.ts";
import { newId } from "../shared/ids.ts";
import { activateNewWorkspace } from "../modules/governance/activate-new-workspace.ts";

export interface TestDomain {
  db: TestDatabase;
  domain: Domain;
}

/** A fresh, migrated database and a Domain (app role; system role for `runSystem`) for one test file. */
export function useTestDomain(label: string): TestDomain {
  const holder = {} as TestDomain;
  beforeAll(async () => {
    holder.db = await createTestDatabase(label);
    holder.domain = await Domain.create({ clientUrl: holder.db.appUrl, systemUrl: holder.db.systemUrl, poolMax: 4, keyRing: testKeyRing() });
  });
  afterAll(async () => {
    await holder.domain?.close();
    await holder.db?.drop();
  });
  return holder;
}

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
