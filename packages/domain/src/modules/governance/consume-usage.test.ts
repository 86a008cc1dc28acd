import { describe, expect } from "vitest";
import { dbTest } from "../../test-support/fixtures.ts";
import type pg from "pg";
import { Domain } from "../../runtime/domain.ts";
import { AppError } from "../../errors/app-error.ts";
import { seedWorkspace, userCtx, type SeededWorkspace } from "../../test-support/test-domain.ts";
import { createProject } from "../product/create-project.ts";
import { createDocument } from "../product/create-document.ts";
import { setUsagePolicy, type SetUsagePolicyInput } from "./set-usage-policy.ts";

// `wide`: enough connections that the concurrent creates really run as parallel transactions.
const test = dbTest.extend("wide", { scope: "file" }, async ({ db }, { onCleanup }) => {
  const wide = await Domain.create({ clientUrl: db.appUrl, poolMax: 25 });
  onCleanup(() => wide.close());
  return wide;
});

const policy = (domain: Domain, ws: SeededWorkspace, input: SetUsagePolicyInput) =>
  domain.run(userCtx(ws.workspaceId, ws.userId), (op) => setUsagePolicy(op, input));
const create = (domain: Domain, ws: SeededWorkspace, name = "p") =>
  domain.run(userCtx(ws.workspaceId, ws.userId), (op) => createProject(op, { name }));
const count = async (ownerSql: pg.Client, sql: string, ws: SeededWorkspace) => Number((await ownerSql.query<{ n: string }>(sql, [ws.workspaceId])).rows[0]?.n);
const projects = (ownerSql: pg.Client, ws: SeededWorkspace) => count(ownerSql, "select count(*) as n from projects where workspace_id = $1", ws);
const limitEvents = (ownerSql: pg.Client, ws: SeededWorkspace) =>
  count(ownerSql, "select count(*) as n from outbox where workspace_id = $1 and event_type = 'usage.limit_reached'", ws);
const counterRows = (ownerSql: pg.Client, ws: SeededWorkspace) => count(ownerSql, "select count(*) as n from usage_counters where workspace_id = $1", ws);

describe("consumeUsage in the write's own transaction", () => {
  test("50 concurrent creates against a block limit of 10: exactly 10 succeed, one limit_reached", async ({ domain, ownerSql, wide }) => {
    const ws = await seedWorkspace(domain, "race");
    await policy(domain, ws, { metric: "projects", window: "day", limit: 10, action: "block" });
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => create(wide, ws, `p${i}`)));
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const err of refused) expect(err).toMatchObject({ code: "USAGE_LIMIT_REACHED" });
    expect(await projects(ownerSql, ws)).toBe(10);
    expect(await limitEvents(ownerSql, ws)).toBe(1);
    expect(await count(ownerSql, `select value as n from usage_counters where workspace_id = $1 and metric = 'projects'`, ws)).toBe(10);
  });

  test("a refused create writes nothing and names metric, limit, window and reset time", async ({ domain, ownerSql }) => {
    const ws = await seedWorkspace(domain, "zero");
    await policy(domain, ws, { metric: "projects", window: "month", limit: 0 });
    const before = await count(ownerSql, "select count(*) as n from outbox where workspace_id = $1", ws);
    const err = await create(domain, ws).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    const now = new Date();
    const reset = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
    expect((err as AppError).details).toEqual({ metric: "projects", limit: 0, window: "month", resetsAt: reset });
    expect(await projects(ownerSql, ws)).toBe(0);
    expect(await count(ownerSql, "select count(*) as n from outbox where workspace_id = $1", ws)).toBe(before);
    expect(await count(ownerSql, "select count(*) as n from activity_logs where workspace_id = $1", ws)).toBe(0);
  });

  test("notify lets the work through and announces the crossing once", async ({ domain, ownerSql }) => {
    const ws = await seedWorkspace(domain, "notify");
    await policy(domain, ws, { metric: "projects", window: "day", limit: 2, action: "notify" });
    for (let i = 0; i < 4; i++) await create(domain, ws);
    expect(await projects(ownerSql, ws)).toBe(4);
    expect(await limitEvents(ownerSql, ws)).toBe(1);
  });

  test("takes no counter row without a policy on the metric; document bytes are metered", async ({ domain, ownerSql }) => {
    const ws = await seedWorkspace(domain, "free");
    await create(domain, ws);
    expect(await counterRows(ownerSql, ws)).toBe(0);
    await policy(domain, ws, { metric: "document_bytes", window: "day", limit: 5 });
    const doc = (content: string) => domain.run(userCtx(ws.workspaceId, ws.userId), (op) => createDocument(op, { title: "d", content }));
    await doc("abc");
    await expect(doc("xyz")).rejects.toMatchObject({ code: "USAGE_LIMIT_REACHED" });
    await doc("é");
    expect(await count(ownerSql, `select value as n from usage_counters where workspace_id = $1 and metric = 'document_bytes'`, ws)).toBe(5);
  });
});
