import { describe, expect } from "vitest";
import { AppError } from "../errors/app-error.ts";
import { parseEnvelope } from "@spine/contracts";
import { OutboxEvent } from "../platform/entities.ts";
import { Project } from "../modules/product/entities.ts";
import { newId } from "../shared/ids.ts";
import { dbTest } from "../test-support/fixtures.ts";
import { seedWorkspace, userCtx } from "../test-support/test-domain.ts";

const test = dbTest;

describe("an event that breaks its contract", () => {
  test("aborts the operation with INTERNAL naming the field, and nothing is stored", async ({ domain }) => {
    const a = await seedWorkspace(domain, "gc");
    const projectId = newId();
    const err = await domain
      .run(userCtx(a.workspaceId, a.userId), async (op) => {
        op.em.create(Project, { id: projectId, workspaceId: a.workspaceId, name: "x" });
        op.emit("project.created", { project_id: "not-a-uuid", name: "x" });
      })
      .then(() => null, (e: unknown) => e);
    expect(AppError.isAppError(err) && err.code).toBe("INTERNAL");
    expect(AppError.isAppError(err) && err.issues.map((i) => i.path)).toEqual(["payload.project_id"]);
    expect(await domain.run(userCtx(a.workspaceId, a.userId), (op) => op.em.findOne(Project, { id: projectId }))).toBeNull();
  });
});

describe("envelopes carry the operation's context", () => {
  test.for(["user", "system", "integration"] as const)("actor (%s) and correlation id land in the outbox envelope", async (actorType, { domain }) => {
    const a = await seedWorkspace(domain, `ctx${actorType}`);
    const actorId = actorType === "user" ? a.userId : newId();
    const correlationId = `ctx-${newId()}`;
    const projectId = newId();
    const stored = await domain.run({ workspaceId: a.workspaceId, actorId, actorType, correlationId }, async (op) => {
      op.emit("project.created", { project_id: projectId, name: "x" });
      await op.em.flush();
      return op.em.findOneOrFail(OutboxEvent, { eventType: "project.created", envelope: { correlation_id: correlationId } });
    });
    expect(parseEnvelope(stored.envelope)).toMatchObject({ workspace_id: a.workspaceId, actor_id: actorId, correlation_id: correlationId });
    expect(stored.subject).toBe(`evt.${a.workspaceId}.project.created`);
  });
});
