import { describe, expect } from "vitest";
import type { Domain } from "./domain.ts";
import { dbTest } from "../test-support/fixtures.ts";
import type pg from "pg";
import { parseEnvelope } from "@spine/contracts";
import { AppError } from "../errors/app-error.ts";
import { Integration } from "../modules/integrations/entities.ts";
import { Project } from "../modules/product/entities.ts";
import { newId } from "../shared/ids.ts";
import { seedWorkspace, userCtx, type SeededWorkspace } from "../test-support/test-domain.ts";

const test = dbTest.extend("ws", { scope: "file" }, async ({ domain }) => seedWorkspace(domain, "atom"));

/** Counts as the owner sees them (no RLS), by the operation's correlation id. */
async function traces(ownerSql: pg.Client, correlationId: string, ids: string[]) {
  const count = async (sql: string, params: unknown[]) => ((await ownerSql.query(sql, params)).rows[0] as { n: number }).n;
  return {
    projects: await count("select count(*)::int as n from projects where id = any($1)", [ids]),
    integrations: await count("select count(*)::int as n from integrations where id = any($1)", [ids]),
    audit: await count("select count(*)::int as n from audit_logs where correlation_id = $1", [correlationId]),
    outbox: await count("select count(*)::int as n from outbox where envelope->>'correlation_id' = $1", [correlationId]),
  };
}

/** A domain change that is privileged (audited) and announced (outbox), flushed before `then` runs. */
async function writeEverything(domain: Domain, ws: SeededWorkspace, correlationId: string, then: () => void | Promise<void>) {
  const projectId = newId();
  const integrationId = newId();
  const run = domain.run(userCtx(ws.workspaceId, ws.userId, correlationId), async (op) => {
    op.em.create(Project, { id: projectId, workspaceId: ws.workspaceId, name: "P" });
    op.em.create(Integration, { id: integrationId, workspaceId: ws.workspaceId, provider: "github", name: `gh-${integrationId}` });
    op.emit("project.created", { project_id: projectId, name: "P" });
    await op.em.flush();
    await then();
  });
  return { run, ids: [projectId, integrationId] };
}

describe("atomic writes: domain rows, audit rows and outbox rows commit together or not at all", () => {
  test("commits all three when the operation succeeds", async ({ domain, ownerSql, ws }) => {
    const correlationId = `ok-${newId()}`;
    const { run, ids } = await writeEverything(domain, ws, correlationId, () => undefined);
    await run;
    expect(await traces(ownerSql, correlationId, ids)).toEqual({ projects: 1, integrations: 1, audit: 1, outbox: 1 });
    const { rows } = await ownerSql.query("select envelope from outbox where envelope->>'correlation_id' = $1", [correlationId]);
    const env = parseEnvelope((rows[0] as { envelope: unknown }).envelope);
    expect(env).toMatchObject({ event_type: "project.created", workspace_id: ws.workspaceId, actor_id: ws.userId, correlation_id: correlationId });
  });

  test("leaves no domain row, no audit row and no outbox row when the operation throws after flushing", async ({ domain, ownerSql, ws }) => {
    const correlationId = `boom-${newId()}`;
    const { run, ids } = await writeEverything(domain, ws, correlationId, () => {
      throw AppError.precondition("changed my mind");
    });
    await expect(run).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    expect(await traces(ownerSql, correlationId, ids)).toEqual({ projects: 0, integrations: 0, audit: 0, outbox: 0 });
  });

  test("leaves nothing when the database rejects the commit (a deferred foreign key)", async ({ domain, ownerSql, ws }) => {
    const itemCorrelation = `fk2-${newId()}`;
    const projectId = newId();
    const failing = domain.run(userCtx(ws.workspaceId, ws.userId, itemCorrelation), async (op) => {
      op.em.create(Project, { id: projectId, workspaceId: ws.workspaceId, name: "Q" });
      op.em.create(Integration, { id: newId(), workspaceId: ws.workspaceId, provider: "x", name: "x", connectedBy: newId() });
      op.emit("project.created", { project_id: projectId, name: "Q" });
    });
    await expect(failing).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await traces(ownerSql, itemCorrelation, [projectId])).toEqual({ projects: 0, integrations: 0, audit: 0, outbox: 0 });
  });

  test("refuses writes outside a domain operation", async ({ domain, ws }) => {
    const em = domain.orm.em.fork();
    em.create(Project, { id: newId(), workspaceId: ws.workspaceId, name: "stray" });
    await expect(em.flush()).rejects.toMatchObject({ code: "INTERNAL" });
  });
});
