import type pg from "pg";
import { describe, expect } from "vitest";
import { apiTest as test } from "../test-support/fixtures.ts";
import { WORKSPACE_PROCEDURES } from "../test-support/procedure-table.ts";

async function recorded(sql: pg.Client, correlationId: string) {
  const outbox = await sql.query<{ event_type: string; envelope: { workspace_id: string; actor_id: string; version: number } }>(
    `select event_type, envelope from outbox where envelope->>'correlation_id' = $1 order by id`, [correlationId],
  );
  const audits = await sql.query<{ action: string; actor_id: string }>(`select action, actor_id from audit_logs where correlation_id = $1 order by id`, [correlationId]);
  const activity = await sql.query<{ verb: string }>(`select verb from activity_logs where correlation_id = $1`, [correlationId]);
  return { outbox: outbox.rows, audits: audits.rows, activity: activity.rows };
}

describe("mutations record their events and audit rows with the request's correlation id", () => {
  const mutations = WORKSPACE_PROCEDURES.filter((p) => p.type === "mutation");
  test.for(mutations.map((p) => [p.path, p] as const))("%s", async ([_path, proc], { api: h, workspace: f, owner }) => {
    const input = await proc.input(f, null);
    const correlationId = `corr-${proc.path}-${Date.now()}`;
    const res = await h.raw(proc.path, { type: "mutation", input, token: owner.session.accessToken, headers: { "x-correlation-id": correlationId } });
    expect(res.status, JSON.stringify(res.body.error)).toBe(200);
    expect(res.headers.get("x-correlation-id")).toBe(correlationId);
    const rows = await recorded(h.sql, correlationId);
    expect(rows.outbox.map((r) => r.event_type)).toEqual(proc.events);
    for (const row of rows.outbox) expect(row.envelope).toMatchObject({ workspace_id: input.workspaceId, actor_id: owner.userId });
    expect(rows.audits.map((r) => r.action)).toEqual(proc.audits);
    for (const row of rows.audits) expect(row.actor_id).toBe(owner.userId);
    if (proc.events.length > 0) expect(rows.activity.length).toBe(1);
  });

  test("workspace.create", async ({ api: h, owner }) => {
    const correlationId = `corr-ws-create-${Date.now()}`;
    const res = await h.raw("workspace.create", { type: "mutation", input: { name: "Fresh" }, token: owner.session.accessToken, headers: { "x-correlation-id": correlationId } });
    expect(res.status).toBe(200);
    const rows = await recorded(h.sql, correlationId);
    expect(rows.outbox.map((r) => r.event_type)).toEqual(["workspace.created", "membership.added", "access.activated"]);
    expect(rows.audits.map((r) => r.action).sort()).toEqual([
      "access_state.created", "membership.created", "role.created", "role.created", "role.created", "role.created",
      "usage_policy.created", "usage_policy.created", "usage_policy.created", "workspace.created",
    ]);
  });

  test("item.updated is emitted at version 2 with its project id", async ({ api: h, workspace: f, owner }) => {
    const correlationId = `corr-item-v2-${Date.now()}`;
    await owner.client.item.update.mutate({ workspaceId: f.workspaceId, itemId: f.itemId, status: "in_progress" }, { context: { correlationId } });
    const rows = await recorded(h.sql, correlationId);
    expect(rows.outbox[0]?.envelope).toMatchObject({ version: 2, payload: { item_id: f.itemId, project_id: f.projectId, changed_fields: ["status"] } });
  });
});

describe("reads", () => {
  test("pages projects by cursor, newest first, and filters by name", async ({ owner }) => {
    const c = owner.client;
    const { workspace } = await c.workspace.create.mutate({ name: "Paging" });
    const names = ["alpha", "beta", "gamma", "delta", "alphabet"];
    for (const name of names) await c.project.create.mutate({ workspaceId: workspace.id, name });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await c.project.list.query({ workspaceId: workspace.id, limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((p) => p.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...names].reverse());
    const filtered = await c.project.list.query({ workspaceId: workspace.id, search: "ALPHA" });
    expect(filtered.items.map((p) => p.name)).toEqual(["alphabet", "alpha"]);
  });

  test("hides soft-deleted records from reads until restored", async ({ workspace: f, owner }) => {
    const c = owner.client;
    const ws = { workspaceId: f.workspaceId };
    const item = await c.item.create.mutate({ ...ws, projectId: f.projectId, title: "ephemeral", status: "open" });
    await c.item.delete.mutate({ ...ws, itemId: item.id });
    await expect(c.item.get.query({ ...ws, itemId: item.id })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    const listed = await c.item.list.query({ ...ws, projectId: f.projectId, limit: 100 });
    expect(listed.items.map((i) => i.id)).not.toContain(item.id);
    const withDeleted = await c.item.list.query({ ...ws, projectId: f.projectId, includeDeleted: true, limit: 100 });
    expect(withDeleted.items.find((i) => i.id === item.id)?.deletedAt).not.toBeNull();
    await c.item.restore.mutate({ ...ws, itemId: item.id });
    await expect(c.item.get.query({ ...ws, itemId: item.id })).resolves.toMatchObject({ deletedAt: null });
    const filtered = await c.item.list.query({ ...ws, status: "open", limit: 100 });
    expect(filtered.items.every((i) => i.status === "open")).toBe(true);
  });

  test("hides the items and documents of a deleted project until the project is restored", async ({ api: h, workspace: f, owner }) => {
    const c = owner.client;
    const ws = { workspaceId: f.workspaceId };
    const project = await c.project.create.mutate({ ...ws, name: "doomed" });
    const item = await c.item.create.mutate({ ...ws, projectId: project.id, title: "child item" });
    const doc = await c.document.create.mutate({ ...ws, projectId: project.id, title: "child doc", content: "x" });
    const loose = await c.document.create.mutate({ ...ws, title: "no project", content: "y" });
    await c.project.delete.mutate({ ...ws, projectId: project.id });

    const before = await h.fingerprint();
    const notFound = { data: { code: "NOT_FOUND" } };
    await expect(c.item.get.query({ ...ws, itemId: item.id })).rejects.toMatchObject(notFound);
    await expect(c.item.update.mutate({ ...ws, itemId: item.id, title: "changed" })).rejects.toMatchObject(notFound);
    await expect(c.item.delete.mutate({ ...ws, itemId: item.id })).rejects.toMatchObject(notFound);
    await expect(c.document.get.query({ ...ws, documentId: doc.id })).rejects.toMatchObject(notFound);
    await expect(c.document.update.mutate({ ...ws, documentId: doc.id, content: "changed" })).rejects.toMatchObject(notFound);
    await expect(c.document.delete.mutate({ ...ws, documentId: doc.id })).rejects.toMatchObject(notFound);
    await expect(c.item.list.query({ ...ws, projectId: project.id })).rejects.toMatchObject(notFound);
    await expect(c.document.list.query({ ...ws, projectId: project.id })).rejects.toMatchObject(notFound);
    expect((await c.item.list.query({ ...ws, limit: 100 })).items.map((i) => i.id)).not.toContain(item.id);
    const docs = (await c.document.list.query({ ...ws, limit: 100 })).items.map((d) => d.id);
    expect(docs).not.toContain(doc.id);
    expect(docs).toContain(loose.id);
    expect(await h.fingerprint()).toEqual(before);

    // includeDeleted shows them (they were never deleted themselves).
    const allItems = await c.item.list.query({ ...ws, includeDeleted: true, limit: 100 });
    expect(allItems.items.find((i) => i.id === item.id)).toMatchObject({ deletedAt: null });
    const projectItems = await c.item.list.query({ ...ws, projectId: project.id, includeDeleted: true });
    expect(projectItems.items.map((i) => i.id)).toEqual([item.id]);
    const allDocs = await c.document.list.query({ ...ws, includeDeleted: true, limit: 100 });
    expect(allDocs.items.map((d) => d.id)).toContain(doc.id);

    await c.project.restore.mutate({ ...ws, projectId: project.id });
    await expect(c.item.get.query({ ...ws, itemId: item.id })).resolves.toMatchObject({ deletedAt: null });
    await expect(c.document.get.query({ ...ws, documentId: doc.id })).resolves.toMatchObject({ deletedAt: null });
    expect((await c.item.list.query({ ...ws, projectId: project.id })).items.map((i) => i.id)).toEqual([item.id]);
    expect((await c.document.list.query({ ...ws, limit: 100 })).items.map((d) => d.id)).toContain(doc.id);
    await c.item.update.mutate({ ...ws, itemId: item.id, title: "changed" });
  });

  test("keeps a deleted workspace out of reach except for its restore", async ({ owner }) => {
    const c = owner.client;
    const { workspace } = await c.workspace.create.mutate({ name: "Doomed" });
    await c.workspace.delete.mutate({ workspaceId: workspace.id });
    await expect(c.project.list.query({ workspaceId: workspace.id })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    expect((await c.workspace.listMine.query()).map((m) => m.workspace.id)).not.toContain(workspace.id);
    expect((await c.workspace.listMine.query({ includeDeleted: true })).map((m) => m.workspace.id)).toContain(workspace.id);
    await c.workspace.restore.mutate({ workspaceId: workspace.id });
    await expect(c.project.list.query({ workspaceId: workspace.id })).resolves.toMatchObject({ items: [] });
  });

  test("shows the activity feed per workspace and per project, and the audit log filtered", async ({ workspace: f, owner }) => {
    const c = owner.client;
    const ws = { workspaceId: f.workspaceId };
    const project = await c.project.create.mutate({ ...ws, name: "Feed" });
    await c.item.create.mutate({ ...ws, projectId: project.id, title: "one" });
    const feed = await c.activity.list.query({ ...ws, projectId: project.id });
    expect(feed.items.map((a) => `${a.verb} ${a.targetType}`)).toEqual(["created item", "created project"]);
    expect(feed.items[0]?.actorId).toBe(owner.userId);
    const all = await c.activity.list.query({ ...ws, limit: 100 });
    expect(all.items.length).toBeGreaterThan(feed.items.length);

    const audits = await c.audit.list.query({ ...ws, action: "membership.created", actorId: owner.userId });
    expect(audits.items.length).toBeGreaterThan(0);
    expect(audits.items.every((a) => a.action === "membership.created")).toBe(true);
    const future = await c.audit.list.query({ ...ws, from: new Date(Date.now() + 3_600_000).toISOString() });
    expect(future.items).toEqual([]);
    const page = await c.audit.list.query({ ...ws, limit: 1 });
    const next = await c.audit.list.query({ ...ws, limit: 1, cursor: page.nextCursor! });
    expect(next.items[0]!.id < page.items[0]!.id).toBe(true);
  });
});
