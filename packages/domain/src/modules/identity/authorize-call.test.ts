import { describe, expect } from "vitest";
import { AppError } from "../../errors/app-error.ts";
import { dbTest as test } from "../../test-support/fixtures.ts";
import { seedWorkspace, userCtx } from "../../test-support/test-domain.ts";
import type { Domain } from "../../runtime/domain.ts";
import { clearUsagePolicy } from "../governance/clear-usage-policy.ts";
import { consumeUsage } from "../governance/consume-usage.ts";
import { setUsagePolicy } from "../governance/set-usage-policy.ts";
import { authorizeCall } from "./authorize-member.ts";
import { Role, Workspace } from "./entities.ts";

/** A seeded owner whose role holds exactly `permissions`. */
async function memberWith(domain: Domain, slug: string, permissions: string[]) {
  const seeded = await seedWorkspace(domain, slug);
  await domain.run(userCtx(seeded.workspaceId, seeded.userId), async (op) => {
    const role = await op.em.findOneOrFail(Role, { id: seeded.roleId });
    role.permissions = permissions;
    await op.em.flush();
  });
  return seeded;
}

describe("authorizeCall's by-products", () => {
  test("the usage policies it read are forgotten once the operation changes them", async ({ domain }) => {
    const a = await memberWith(domain, "ac1", ["projects.write", "usage.manage"]);
    await domain.run(userCtx(a.workspaceId, a.userId), (op) => setUsagePolicy(op, { metric: "projects", window: "month", limit: 0, action: "block" }));
    // With the policy read by the authorization statement, a project is refused…
    const refused = await domain
      .run(userCtx(a.workspaceId, a.userId), async (op) => {
        await authorizeCall(op, { permission: "projects.write" });
        return consumeUsage(op, { metric: "projects" });
      })
      .then(() => null, (e: unknown) => e);
    expect(AppError.isAppError(refused) && refused.code).toBe("USAGE_LIMIT_REACHED");
    // …and once the same operation clears it, the remembered copy does not refuse any more.
    const consumed = await domain.run(userCtx(a.workspaceId, a.userId), async (op) => {
      await authorizeCall(op, { permission: "projects.write" });
      await clearUsagePolicy(op, { metric: "projects", window: "month" });
      return consumeUsage(op, { metric: "projects" });
    });
    expect(consumed).toEqual([]);
  });

  test("an access entity the operation loaded and changed first is returned as it is, not overwritten by the snapshot", async ({ domain }) => {
    const a = await memberWith(domain, "ac2", ["workspace.update"]);
    await domain.run(userCtx(a.workspaceId, a.userId), async (op) => {
      const access = await authorizeCall(op, { permission: "workspace.update" });
      const loaded = await op.em.findOneOrFail(Workspace, { id: a.workspaceId });
      loaded.name = "renamed in the operation";
      expect(access.workspace).toBe(loaded);
      expect(access.workspace.name).toBe("renamed in the operation");
    });
  });
});
