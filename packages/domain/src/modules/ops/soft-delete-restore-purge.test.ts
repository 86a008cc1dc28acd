import { describe, expect } from "vitest";
import { dbTest } from "../../test-support/fixtures.ts";
import type pg from "pg";
import type { Domain } from "../../runtime/domain.ts";
import type { EntityClass } from "@mikro-orm/core";
import type { Operation } from "../../operation/operation.ts";
import { SOFT_DELETE_TARGETS } from "../../uow/privileged-writes.ts";
import { auditRowsOf, outboxTypesOf } from "../../test-support/audit-rows.ts";
import { seedWorkspace, userCtx, type SeededWorkspace } from "../../test-support/test-domain.ts";
import { Workspace } from "../identity/entities.ts";
import { deleteWorkspace } from "../identity/delete-workspace.ts";
import { restoreWorkspace } from "../identity/restore-workspace.ts";
import { connectIntegration } from "../integrations/connect-integration.ts";
import { disconnectIntegration } from "../integrations/disconnect-integration.ts";
import { restoreIntegration } from "../integrations/restore-integration.ts";
import { createAgentThread } from "../knowledge/create-agent-thread.ts";
import { deleteAgentThread } from "../knowledge/delete-agent-thread.ts";
import { restoreAgentThread } from "../knowledge/restore-agent-thread.ts";
import { createDocument } from "../product/create-document.ts";
import { createItem } from "../product/create-item.ts";
import { createProject } from "../product/create-project.ts";
import { deleteDocument } from "../product/delete-document.ts";
import { deleteItem } from "../product/delete-item.ts";
import { deleteProject } from "../product/delete-project.ts";
import { restoreDocument } from "../product/restore-document.ts";
import { restoreItem } from "../product/restore-item.ts";
import { restoreProject } from "../product/restore-project.ts";
import { purgeRecord, type PurgeTarget } from "./purge-record.ts";

interface TargetFixture {
  table: string;
  create(op: Operation): Promise<string>;
  softDelete(op: Operation, id: string): Promise<unknown>;
  restore(op: Operation, id: string): Promise<unknown>;
  events: { deleted: string | null; restored: string | null };
}

const loadWorkspace = async (op: Operation, id: string) => op.em.findOneOrFail(Workspace, { id }, { filters: { notDeleted: false } });

/** One fixture per soft-delete target, through the use-cases that own each record. */
const FIXTURES: Record<string, TargetFixture> = {
  workspace: {
    table: "workspaces",
    create: async (op) => op.workspaceId,
    softDelete: async (op, id) => deleteWorkspace(op, await loadWorkspace(op, id)),
    restore: async (op, id) => restoreWorkspace(op, await loadWorkspace(op, id)),
    events: { deleted: "workspace.deleted", restored: "workspace.restored" },
  },
  project: {
    table: "projects",
    create: async (op) => (await createProject(op, { name: "P" })).id,
    softDelete: deleteProject, restore: restoreProject,
    events: { deleted: "project.deleted", restored: "project.restored" },
  },
  item: {
    table: "items",
    create: async (op) => (await createItem(op, { projectId: (await createProject(op, { name: "P" })).id, title: "I" })).id,
    softDelete: deleteItem, restore: restoreItem,
    events: { deleted: "item.deleted", restored: "item.restored" },
  },
  document: {
    table: "documents",
    create: async (op) => (await createDocument(op, { title: "D", content: "text" })).id,
    softDelete: deleteDocument, restore: restoreDocument,
    events: { deleted: "document.deleted", restored: "document.restored" },
  },
  agent_thread: {
    table: "agent_threads",
    create: async (op) => (await createAgentThread(op, { title: "T" })).id,
    softDelete: deleteAgentThread, restore: restoreAgentThread,
    events: { deleted: null, restored: null },
  },
  integration: {
    table: "integrations",
    create: async (op) => (await connectIntegration(op, { provider: "github", name: `gh-${Math.random()}`, credentials: { token: "tok-SECRET" }, webhookSecret: "whsec-SECRET" })).id,
    softDelete: disconnectIntegration, restore: restoreIntegration,
    events: { deleted: "integration.disconnected", restored: "integration.connected" },
  },
};

/** Each target's workspace and record, created the first time one of its tests asks (as its describe's beforeAll did). */
const test = dbTest.extend("seeded", { scope: "file" }, async ({ domain }) => {
  const seeded = new Map<string, Promise<{ ws: SeededWorkspace; id: string }>>();
  return (target: string, fx: TargetFixture) => {
    let entry = seeded.get(target);
    if (!entry) {
      entry = (async () => {
        const ws = await seedWorkspace(domain, `sd-${target.replace("_", "")}`);
        const id = await domain.run(userCtx(ws.workspaceId, ws.userId), (op) => fx.create(op));
        return { ws, id };
      })();
      seeded.set(target, entry);
    }
    return entry;
  };
});

async function rowState(ownerSql: pg.Client, table: string, id: string): Promise<{ exists: boolean; deleted: boolean }> {
  const { rows } = await ownerSql.query<{ deleted_at: Date | null }>(`select deleted_at from ${table} where id = $1`, [id]);
  return { exists: rows.length === 1, deleted: rows[0]?.deleted_at != null };
}

describe("every soft-delete target has a fixture", () => {
  test("covers exactly the documented targets", () => {
    expect(Object.keys(FIXTURES).sort()).toEqual(Object.values(SOFT_DELETE_TARGETS).sort());
  });
});

describe.each(Object.entries(FIXTURES))("%s", (target, fx) => {
  const meta = (domain: Domain) => domain.orm.getMetadata().getAll();
  const entityOf = (domain: Domain) => Object.values(meta(domain)).find((m) => m.tableName === fx.table)!.class as EntityClass<{ id: string; deletedAt: Date | null }>;

  test("soft delete keeps the row, hides it from default reads, and writes one audit row", async ({ domain, ownerSql, seeded }) => {
    const { ws, id } = await seeded(target, fx);
    const corr = `del-${id}`;
    await domain.run(userCtx(ws.workspaceId, ws.userId, corr), (op) => fx.softDelete(op, id));
    expect(await rowState(ownerSql, fx.table, id)).toEqual({ exists: true, deleted: true });
    const seen = await domain.run(userCtx(ws.workspaceId, ws.userId), async (op) => ({
      visible: await op.em.findOne(entityOf(domain), { id }),
      withDeleted: await op.em.findOne(entityOf(domain), { id }, { filters: { notDeleted: false } }),
    }));
    expect(seen.visible).toBeNull();
    expect(seen.withDeleted).not.toBeNull();
    const audits = (await auditRowsOf(ownerSql, corr)).filter((a) => a.target_id === id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ action: `${target}.deleted`, target_type: target, workspace_id: ws.workspaceId, actor_id: ws.userId });
    expect(audits[0]!.changes.before).toMatchObject({ deletedAt: null });
    expect(audits[0]!.changes.after?.deletedAt).toEqual(expect.any(String));
    if (fx.events.deleted) expect(await outboxTypesOf(ownerSql, corr)).toContain(fx.events.deleted);
  });

  test("restore finds the soft-deleted row, brings it back, and writes one audit row", async ({ domain, ownerSql, seeded }) => {
    const { ws, id } = await seeded(target, fx);
    const corr = `restore-${id}`;
    await domain.run(userCtx(ws.workspaceId, ws.userId, corr), (op) => fx.restore(op, id));
    expect(await rowState(ownerSql, fx.table, id)).toEqual({ exists: true, deleted: false });
    const visible = await domain.run(userCtx(ws.workspaceId, ws.userId), (op) => op.em.findOne(entityOf(domain), { id }));
    expect(visible).not.toBeNull();
    const audits = (await auditRowsOf(ownerSql, corr)).filter((a) => a.target_id === id);
    expect(audits.map((a) => a.action)).toEqual([`${target}.restored`]);
    expect(typeof audits[0]!.changes.before?.deletedAt).toBe("string");
    expect(audits[0]!.changes.after).toMatchObject({ deletedAt: null });
    if (fx.events.restored) expect(await outboxTypesOf(ownerSql, corr)).toContain(fx.events.restored);
  });

  // Workspaces are purged by operator tooling on the system role (their audit history is append-only for the app).
  if (target !== "workspace") test("purge hard-deletes the row and writes its audit row explicitly", async ({ domain, ownerSql, seeded }) => {
    const { ws, id } = await seeded(target, fx);
    const corr = `purge-${id}`;
    const result = await domain.run(userCtx(ws.workspaceId, ws.userId, corr), (op) => purgeRecord(op, target as PurgeTarget, id));
    expect(result.deleted[fx.table]).toBe(1);
    expect(await rowState(ownerSql, fx.table, id)).toEqual({ exists: false, deleted: false });
    const audits = await auditRowsOf(ownerSql, corr);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      action: `${target}.purged`, target_type: target, target_id: id, workspace_id: ws.workspaceId,
      actor_id: ws.userId, actor_type: "user", correlation_id: corr,
    });
    expect(audits[0]!.changes.before).toMatchObject({ id });
    expect(JSON.stringify(audits[0])).not.toMatch(/SECRET/);
  });
});

describe("purge", () => {
  test("removes dependents with the record and refuses records of another workspace", async ({ domain, ownerSql }) => {
    const a = await seedWorkspace(domain, "purge-a");
    const b = await seedWorkspace(domain, "purge-b");
    const projectId = await domain.run(userCtx(a.workspaceId, a.userId), async (op) => {
      const project = await createProject(op, { name: "P" });
      await createItem(op, { projectId: project.id, title: "I1" });
      await createItem(op, { projectId: project.id, title: "I2" });
      await createDocument(op, { projectId: project.id, title: "D" });
      return project.id;
    });
    await expect(domain.run(userCtx(b.workspaceId, b.userId), (op) => purgeRecord(op, "project", projectId))).rejects.toMatchObject({ code: "NOT_FOUND" });
    const result = await domain.run(userCtx(a.workspaceId, a.userId), (op) => purgeRecord(op, "project", projectId));
    expect(result.deleted).toEqual({ document_chunks: 0, documents: 1, items: 2, projects: 1 });
    const left = await ownerSql.query("select count(*)::int as n from items where project_id = $1", [projectId]);
    expect(left.rows[0]).toEqual({ n: 0 });
  });
});
