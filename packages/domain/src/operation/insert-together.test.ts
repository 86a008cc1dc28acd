import { describe, expect } from "vitest";
import { AppError } from "../errors/app-error.ts";
import { Role } from "../modules/identity/entities.ts";
import { Project } from "../modules/product/entities.ts";
import { recordActivity } from "../modules/product/record-activity.ts";
import { ActivityLog, OutboxEvent } from "../platform/entities.ts";
import { newId } from "../shared/ids.ts";
import { dbTest as test } from "../test-support/fixtures.ts";
import { seedWorkspace, userCtx } from "../test-support/test-domain.ts";
import type { Domain } from "../runtime/domain.ts";
import type { Operation } from "./operation.ts";

interface KnexLike {
  on(event: "query", listener: (q: { sql: string }) => void): void;
  off(event: "query", listener: (q: { sql: string }) => void): void;
}

/** The statements `fn` sends (one per round trip). */
async function statementsOf<T>(domain: Domain, fn: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  const knex = domain.orm.em.getConnection().getKnex() as unknown as KnexLike;
  const sql: string[] = [];
  const listener = (q: { sql: string }) => sql.push(q.sql);
  knex.on("query", listener);
  try {
    return { result: await fn(), sql };
  } finally {
    knex.off("query", listener);
  }
}

function newProject(op: Operation, workspaceId = op.workspaceId, id = newId()): Project {
  const project = op.newRow(Project, { id, workspaceId, name: "together", createdBy: op.ctx.actorId });
  op.emit("project.created", { project_id: project.id, name: project.name });
  recordActivity(op, { verb: "created", targetType: "project", targetId: project.id, projectId: project.id, summary: "created" });
  return project;
}

describe("Operation.insertTogether", () => {
  test("writes the row, its outbox event and its activity line with one statement; they are managed afterwards", async ({ domain }) => {
    const a = await seedWorkspace(domain, "it1");
    await domain.run(userCtx(a.workspaceId, a.userId), async (op) => {
      const { result: project, sql } = await statementsOf(domain, () => op.insertTogether(() => newProject(op)));
      expect(sql).toHaveLength(1);
      expect(sql[0]).toMatch(/^with w0 as \(insert into "projects"/);
      // Managed: the identity map answers, and a flush has nothing left to write.
      expect(await op.em.findOne(Project, { id: project.id })).toBe(project);
      const { sql: flushed } = await statementsOf(domain, () => op.em.flush());
      expect(flushed).toEqual([]);
    });
    const stored = await domain.run(userCtx(a.workspaceId, a.userId), async (op) => ({
      events: await op.em.count(OutboxEvent, { eventType: "project.created" }),
      activity: await op.em.count(ActivityLog, { verb: "created", targetType: "project" }),
    }));
    expect(stored).toEqual({ events: 1, activity: 1 });
  });

  test("refuses a row of another workspace (FORBIDDEN) and a privileged entity, and writes nothing", async ({ domain }) => {
    const a = await seedWorkspace(domain, "it2");
    const b = await seedWorkspace(domain, "it3");
    const foreign = await domain
      .run(userCtx(a.workspaceId, a.userId), (op) => op.insertTogether(() => newProject(op, b.workspaceId)))
      .then(() => null, (e: unknown) => e);
    expect(AppError.isAppError(foreign) && foreign.code).toBe("FORBIDDEN");

    const privileged = await domain
      .run(userCtx(a.workspaceId, a.userId), (op) =>
        op.insertTogether(() => op.newRow(Role, { id: newId(), workspaceId: op.workspaceId, key: "sneaky", name: "Sneaky", permissions: ["projects.read"] })),
      )
      .then(() => null, (e: unknown) => e);
    expect(String(privileged)).toMatch(/Role is a privileged entity/);

    for (const ws of [a, b]) {
      const counts = await domain.run(userCtx(ws.workspaceId, ws.userId), async (op) => [
        await op.em.count(Project, { name: "together" }),
        await op.em.count(OutboxEvent, { eventType: "project.created" }),
        await op.em.count(Role, { key: "sneaky" }),
      ]);
      expect(counts).toEqual([0, 0, 0]);
    }
  });

  test("a statement that fails writes none of its rows, and the error is typed", async ({ domain }) => {
    const a = await seedWorkspace(domain, "it4");
    const id = newId();
    await domain.run(userCtx(a.workspaceId, a.userId), (op) => op.insertTogether(() => newProject(op, op.workspaceId, id)));
    // The same project id again: the project insert violates the primary key, so the event and the activity line go too.
    const err = await domain
      .run(userCtx(a.workspaceId, a.userId), (op) => op.insertTogether(() => newProject(op, op.workspaceId, id)))
      .then(() => null, (e: unknown) => e);
    expect(AppError.isAppError(err) && err.code).toBe("CONFLICT");
    const counts = await domain.run(userCtx(a.workspaceId, a.userId), async (op) => [
      await op.em.count(OutboxEvent, { eventType: "project.created" }),
      await op.em.count(ActivityLog, { verb: "created", targetType: "project" }),
    ]);
    expect(counts).toEqual([1, 1]);
  });
});
