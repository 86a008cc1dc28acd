import pg from "pg";
import { describe, expect } from "vitest";
import { dbTest as test } from "@spine/testing/fixtures";
import { AgentRun, AuditLog, Workspace, findAgentRun, listToolCalls, purgeExpiredAgentRuns, type Domain, type OperationContext } from "@spine/domain";
import { OfflineHashEmbeddings } from "../embeddings/offline-hash-embeddings.ts";
import { ingestDocument } from "../ingestion/ingest-document.ts";
import { OfflineDeterministicChatModel } from "../models/offline-deterministic-chat-model.ts";
import { seedDocument, seedThread, seedWorkspace } from "../test-support/knowledge-fixture.ts";
import { createSearchDocumentsTool } from "./search-documents-tool.ts";
import { runAgent } from "./run-agent.ts";

const embeddings = new OfflineHashEmbeddings();
const DAY = 24 * 60 * 60 * 1000;

async function seedKnowledge(domain: Domain, ctx: OperationContext): Promise<void> {
  const id = await seedDocument(domain, ctx, "Billing", "Refunds for annual plans are prorated to the remaining months of the term.");
  await ingestDocument(domain, ctx, id, { embeddings });
}

function searchTool(domain: Domain, ctx: OperationContext) {
  return createSearchDocumentsTool({ domain: domain, ctx, embeddings, defaultK: 1 });
}

describe("agent run retention", () => {
  test("sets retain_until from the workspace's plan tier", async ({ domain }) => {
    const retention = { daysByPlanTier: { free: 30, pro: 365 }, defaultDays: 7 };
    const free = await seedWorkspace(domain, "retention-free");
    const pro = await seedWorkspace(domain, "retention-pro");
    await domain.run(pro.ctx, async (op) => {
      (await op.em.findOneOrFail(Workspace, { id: pro.workspaceId })).planTier = "pro";
      await op.em.flush();
    });
    const before = Date.now();
    const runIn = async (ws: typeof free) =>
      runAgent(domain, ws.ctx, { threadId: await seedThread(domain, ws.ctx), input: "x", model: new OfflineDeterministicChatModel(), tools: [], retention });
    const [freeRun, proRun] = [await runIn(free), await runIn(pro)];
    const retainOf = async (ws: typeof free, runId: string) => (await domain.run(ws.ctx, (op) => findAgentRun(op, runId))).retainUntil!.getTime() - before;

    expect(await retainOf(free, freeRun.runId)).toBeGreaterThanOrEqual(30 * DAY);
    expect(await retainOf(free, freeRun.runId)).toBeLessThan(31 * DAY);
    expect(await retainOf(pro, proRun.runId)).toBeGreaterThanOrEqual(365 * DAY);
    expect(await retainOf(pro, proRun.runId)).toBeLessThan(366 * DAY);
  });

  test("purges expired runs and their tool calls across workspaces as the system role, with an audit row per run", async ({ domain, db }) => {
    const a = await seedWorkspace(domain, "purge-a");
    const b = await seedWorkspace(domain, "purge-b");
    await seedKnowledge(domain, a.ctx);
    const oneDay = { daysByPlanTier: {}, defaultDays: 1 };
    const expiredA = await runAgent(domain, a.ctx, {
      threadId: await seedThread(domain, a.ctx), input: "refunds", model: new OfflineDeterministicChatModel(), tools: [searchTool(domain, a.ctx)], retention: oneDay,
    });
    const keptA = await runAgent(domain, a.ctx, { threadId: await seedThread(domain, a.ctx), input: "kept", model: new OfflineDeterministicChatModel(), tools: [] });
    const expiredB = await runAgent(domain, b.ctx, {
      threadId: await seedThread(domain, b.ctx), input: "x", model: new OfflineDeterministicChatModel(), tools: [], retention: oneDay,
    });
    const inTwoDays = new Date(Date.now() + 2 * DAY);

    const appPool = new pg.Pool({ connectionString: db.appUrl });
    const systemPool = new pg.Pool({ connectionString: db.systemUrl });
    try {
      expect(await purgeExpiredAgentRuns(appPool, { now: inTwoDays, correlationId: "retention-app" })).toEqual({ runs: 0, toolCalls: 0, workspaces: 0 });
      expect(await purgeExpiredAgentRuns(systemPool, { now: inTwoDays, correlationId: "retention-1" })).toEqual({ runs: 2, toolCalls: 1, workspaces: 2 });
      expect(await purgeExpiredAgentRuns(systemPool, { now: inTwoDays, correlationId: "retention-2" })).toEqual({ runs: 0, toolCalls: 0, workspaces: 0 });
    } finally {
      await appPool.end();
      await systemPool.end();
    }

    const left = await domain.run(a.ctx, async (op) => ({
      runs: (await op.em.find(AgentRun, {})).map((r) => r.id),
      calls: await listToolCalls(op, expiredA.runId),
      audits: await op.em.find(AuditLog, { action: "agent_run.purged" }),
    }));
    expect(left.runs).toEqual([keptA.runId]);
    expect(left.calls).toEqual([]);
    expect(left.audits).toHaveLength(1);
    expect(left.audits[0]).toMatchObject({ actorType: "system", actorId: null, targetType: "agent_run", targetId: expiredA.runId, correlationId: "retention-1" });
    expect(left.audits[0]!.changes.before).toMatchObject({ status: "completed", tool_call_count: 1 });
    const auditsB = await domain.run(b.ctx, (op) => op.em.find(AuditLog, { action: "agent_run.purged" }));
    expect(auditsB.map((x) => x.targetId)).toEqual([expiredB.runId]);
  });
});
