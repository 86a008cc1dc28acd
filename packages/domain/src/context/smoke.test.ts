import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "@spine/testing";
import { Domain } from "./domain.ts";
import { newId } from "../orm/ids.ts";
import { User, Workspace, Role, WorkspaceMembership } from "../modules/identity/entities.ts";
import { Project } from "../modules/product/entities.ts";
import { AuditLog, OutboxEvent } from "../modules/ops/entities.ts";

let db: TestDatabase;
let domain: Domain;
beforeAll(async () => {
  db = await createTestDatabase("smoke");
  domain = await Domain.create({ clientUrl: db.appUrl });
});
afterAll(async () => {
  await domain?.close();
  await db?.drop();
});

describe("smoke", () => {
  it("creates a workspace with audit and outbox, soft deletes, isolates", async () => {
    const userId = newId();
    await domain.run({ workspaceId: null, actorId: userId, actorType: "user", correlationId: "c1" }, async (op) => {
      op.em.create(User, { id: userId, email: "a@x.io", passwordHash: "h", displayName: "A" });
    });
    const wsId = newId();
    const projectId = newId();
    await domain.run({ workspaceId: null, actorId: userId, actorType: "user", correlationId: "c2" }, async (op) => {
      await op.enterWorkspace(wsId);
      op.em.create(Workspace, { id: wsId, name: "W", slug: "w", createdBy: userId, settings: { apiToken: "s3cret" } });
      await op.em.flush();
      const role = op.em.create(Role, { id: newId(), workspaceId: wsId, key: "owner", name: "Owner", permissions: ["*"], builtIn: true });
      await op.em.flush();
      op.em.create(WorkspaceMembership, { id: newId(), workspaceId: wsId, userId, roleId: role.id });
      op.em.create(Project, { id: projectId, workspaceId: wsId, name: "P" });
      op.emit("project.created", { project_id: projectId, name: "P" });
    });
    await domain.run({ workspaceId: wsId, actorId: userId, actorType: "user", correlationId: "c3" }, async (op) => {
      const p = await op.em.findOneOrFail(Project, projectId);
      p.name = "P2";
      await op.em.flush();
      op.em.remove(p);
    });
    const rows = await domain.run({ workspaceId: wsId, actorId: userId, actorType: "user", correlationId: "c4" }, async (op) => {
      return {
        projects: await op.em.find(Project, {}),
        all: await op.em.find(Project, {}, { filters: { notDeleted: false } }),
        audits: await op.em.find(AuditLog, {}, { orderBy: { id: "asc" } }),
        outbox: await op.em.find(OutboxEvent, {}),
      };
    });
    console.log(JSON.stringify(rows.audits.map((a) => [a.action, a.changes, a.correlationId])));
    expect(rows.projects).toHaveLength(0);
    expect(rows.all).toHaveLength(1);
    expect(rows.all[0]!.deletedAt).toBeInstanceOf(Date);
    expect(rows.outbox).toHaveLength(1);
    const none = await domain.run({ workspaceId: null, actorId: null, actorType: "system", correlationId: "c5" }, async (op) =>
      op.em.find(Project, {}, { filters: { notDeleted: false } }),
    );
    expect(none).toHaveLength(0);
    const client = new pg.Client({ connectionString: db.appUrl });
    await client.connect();
    const raw = await client.query("select * from projects");
    expect(raw.rowCount).toBe(0);
    await client.end();
  });
});
