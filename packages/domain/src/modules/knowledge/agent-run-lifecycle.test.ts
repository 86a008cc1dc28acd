import { describe, expect } from "vitest";
import { dbTest } from "../../test-support/fixtures.ts";
import { seedWorkspace, userCtx } from "../../test-support/test-domain.ts";
import { createDocument } from "../product/create-document.ts";
import { completeAgentRun } from "./complete-agent-run.ts";
import { createAgentThread } from "./create-agent-thread.ts";
import { failAgentRun } from "./fail-agent-run.ts";
import { queueAgentRun } from "./queue-agent-run.ts";
import { recordToolCall } from "./record-tool-call.ts";
import { replaceDocumentChunks } from "./replace-document-chunks.ts";
import { retainUntil } from "./retain-until.ts";
import { startAgentRun } from "./start-agent-run.ts";

const test = dbTest;
const DAY = 24 * 60 * 60 * 1000;

describe("agent run lifecycle", () => {
  test("only moves forward: queued → running → completed, and never out of a final state", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "lifecycle");
    const ctx = userCtx(ws.workspaceId, ws.userId);
    const run = await domain.run(ctx, async (op) => {
      const thread = await createAgentThread(op, { title: "t" });
      return queueAgentRun(op, { threadId: thread.id, model: "m", input: { text: "q" } });
    });

    await expect(domain.run(ctx, (op) => completeAgentRun(op, run.id, { answer: "a" }))).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await expect(domain.run(ctx, (op) => recordToolCall(op, { runId: run.id, ordinal: 1, toolName: "x", input: {} }))).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await domain.run(ctx, (op) => startAgentRun(op, run.id));
    await expect(domain.run(ctx, (op) => startAgentRun(op, run.id))).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    const done = await domain.run(ctx, (op) => completeAgentRun(op, run.id, { answer: "a" }));
    expect(done.status).toBe("completed");
    await expect(domain.run(ctx, (op) => failAgentRun(op, run.id, "late"))).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
  });

  test("computes retain_until from the plan tier, with a default for unknown tiers", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const policy = { daysByPlanTier: { free: 30, pro: 365 }, defaultDays: 7 };
    expect(retainUntil("free", policy, now).getTime() - now.getTime()).toBe(30 * DAY);
    expect(retainUntil("pro", policy, now).getTime() - now.getTime()).toBe(365 * DAY);
    expect(retainUntil("enterprise", policy, now).getTime() - now.getTime()).toBe(7 * DAY);
    expect(retainUntil("toString", policy, now).getTime() - now.getTime()).toBe(7 * DAY);
  });
});

describe("replaceDocumentChunks", () => {
  test("rejects vectors of mixed length or non-finite values and writes nothing", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "chunks");
    const ctx = userCtx(ws.workspaceId, ws.userId);
    const doc = await domain.run(ctx, (op) => createDocument(op, { title: "d", content: "x" }));
    const chunk = (vector: number[], ordinal = 0) => ({ ordinal, content: "x", tokenCount: 1, vector });

    await expect(domain.run(ctx, (op) => replaceDocumentChunks(op, { documentId: doc.id, contentHash: "h", embeddingModel: "m", chunks: [chunk([1, 0]), chunk([1], 1)] })))
      .rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(domain.run(ctx, (op) => replaceDocumentChunks(op, { documentId: doc.id, contentHash: "h", embeddingModel: "m", chunks: [chunk([Number.NaN, 1])] })))
      .rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
