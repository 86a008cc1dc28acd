import { describe, expect } from "vitest";
import { WorkspaceMembership } from "../modules/identity/entities.ts";
import { dbTest } from "../test-support/fixtures.ts";
import { seedWorkspace, userCtx } from "../test-support/test-domain.ts";
import { TENANT_FILTER } from "../shared/common-props.ts";
import { Domain } from "./domain.ts";

const test = dbTest;

async function settings(op: { em: { execute: (sql: string) => Promise<unknown[]> } }) {
  const [row] = (await op.em.execute(
    "select current_user as role, current_setting('app.workspace_id', true) as ws, current_setting('app.user_id', true) as usr",
  )) as { role: string; ws: string; usr: string }[];
  return row;
}

describe("Domain.runSystem", () => {
  test("runs as the system role across workspaces, while run stays inside its workspace", async ({ domain }) => {
    const a = await seedWorkspace(domain, "sys-a");
    const b = await seedWorkspace(domain, "sys-b");
    const ids = [a.membershipId, b.membershipId];
    const asApp = await domain.run(userCtx(a.workspaceId, a.userId), (op) =>
      op.em.find(WorkspaceMembership, { id: { $in: ids } }, { filters: { [TENANT_FILTER]: false } }),
    );
    expect(asApp.map((m) => m.id)).toEqual([a.membershipId]);
    const asSystem = await domain.runSystem({ workspaceId: null, actorType: "system", actorId: null, correlationId: "sys" }, (op) =>
      op.em.find(WorkspaceMembership, { id: { $in: ids } }, { filters: { [TENANT_FILTER]: false } }),
    );
    expect(asSystem.map((m) => m.id).sort()).toEqual([...ids].sort());
  });

  test("applies the session settings through the same scope function as run", async ({ domain }) => {
    const a = await seedWorkspace(domain, "sys-c");
    const sys = await domain.runSystem(userCtx(a.workspaceId, a.userId), settings);
    expect(sys).toEqual({ role: "spine_system", ws: a.workspaceId, usr: a.userId });
    const app = await domain.run(userCtx(a.workspaceId, a.userId), settings);
    expect(app).toEqual({ role: "spine_app", ws: a.workspaceId, usr: a.userId });
  });

  test("refuses when the domain was created without a system connection", async ({ db }) => {
    const appOnly = await Domain.create({ clientUrl: db.appUrl, poolMax: 1 });
    try {
      expect(() => appOnly.runSystem(userCtx(null, "u"), async () => 1)).toThrow(/systemUrl/);
    } finally {
      await appOnly.close();
    }
  });
});
