import { describe, expect } from "vitest";
import { AppError } from "../errors/app-error.ts";
import { UsagePolicy, type UsageWindow } from "../modules/governance/entities.ts";
import { Project } from "../modules/product/entities.ts";
import { dbTest } from "../test-support/fixtures.ts";
import { seedWorkspace, userCtx } from "../test-support/test-domain.ts";
import { newId } from "../shared/ids.ts";

const test = dbTest;

async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  return promise.then(() => null, (err: unknown) => (AppError.isAppError(err) ? err.code : String(err)));
}

describe("the unit of work's tenant guard (checked before anything reaches the database)", () => {
  test("refuses a row of another workspace, a row with no operation workspace, and moving a row between workspaces", async ({ domain }) => {
    const a = await seedWorkspace(domain, "ga");
    const b = await seedWorkspace(domain, "gb");
    const intoOther = domain.run(userCtx(a.workspaceId, a.userId), async (op) => {
      op.em.create(Project, { id: newId(), workspaceId: b.workspaceId, name: "x" });
    });
    expect(await codeOf(intoOther)).toBe("FORBIDDEN");
    const unscoped = domain.run(userCtx(null, a.userId), async (op) => {
      op.em.create(Project, { id: newId(), workspaceId: a.workspaceId, name: "x" });
    });
    expect(await codeOf(unscoped)).toBe("FORBIDDEN");
    const projectId = newId();
    await domain.run(userCtx(a.workspaceId, a.userId), async (op) => {
      op.em.create(Project, { id: projectId, workspaceId: a.workspaceId, name: "mine" });
    });
    const move = domain.run(userCtx(a.workspaceId, a.userId), async (op) => {
      (await op.em.findOneOrFail(Project, { id: projectId })).workspaceId = b.workspaceId;
    });
    expect(await codeOf(move)).toBe("FORBIDDEN");
    const still = await domain.run(userCtx(a.workspaceId, a.userId), (op) => op.em.findOne(Project, { id: projectId }));
    expect(still?.workspaceId).toBe(a.workspaceId);
  });
});

describe("database checks surface as domain errors", () => {
  test("a value the table does not allow is BAD_REQUEST", async ({ domain }) => {
    const a = await seedWorkspace(domain, "gchk");
    const write = domain.run(userCtx(a.workspaceId, a.userId), async (op) => {
      op.em.create(UsagePolicy, { id: newId(), workspaceId: a.workspaceId, metric: "m", window: "week" as UsageWindow, limitValue: 1 });
    });
    expect(await codeOf(write)).toBe("BAD_REQUEST");
  });
});
