import { describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error.ts";
import { Project } from "../modules/product/entities.ts";
import { newId } from "../orm/ids.ts";
import { seedWorkspace, useTestDomain, userCtx } from "../test-support/test-domain.ts";

const t = useTestDomain("emit");

describe("an event that breaks its contract", () => {
  it("aborts the operation with INTERNAL naming the field, and nothing is stored", async () => {
    const a = await seedWorkspace(t.domain, "gc");
    const projectId = newId();
    const err = await t.domain
      .run(userCtx(a.workspaceId, a.userId), async (op) => {
        op.em.create(Project, { id: projectId, workspaceId: a.workspaceId, name: "x" });
        op.emit("project.created", { project_id: "not-a-uuid", name: "x" });
      })
      .then(() => null, (e: unknown) => e);
    expect(AppError.isAppError(err) && err.code).toBe("INTERNAL");
    expect(AppError.isAppError(err) && err.issues.map((i) => i.path)).toEqual(["payload.project_id"]);
    expect(await t.domain.run(userCtx(a.workspaceId, a.userId), (op) => op.em.findOne(Project, { id: projectId }))).toBeNull();
  });
});
