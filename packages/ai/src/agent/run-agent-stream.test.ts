import { tool } from "@langchain/core/tools";
import { describe, expect } from "vitest";
import { dbTest as test } from "@spine/testing/fixtures";
import { z } from "zod";
import type { TAgentStreamStep } from "@spine/contracts";
import { findAgentRun, listToolCalls } from "@spine/domain";
import { OfflineHashEmbeddings } from "../embeddings/offline-hash-embeddings.ts";
import { ingestDocument } from "../ingestion/ingest-document.ts";
import { OfflineDeterministicChatModel } from "../models/offline-deterministic-chat-model.ts";
import { seedDocument, seedThread, seedWorkspace } from "../test-support/knowledge-fixture.ts";
import { createSearchDocumentsTool } from "./search-documents-tool.ts";
import { runAgent } from "./run-agent.ts";

const embeddings = new OfflineHashEmbeddings();

describe("runAgent streaming (onStep)", () => {
  test("streams the tool call, its result, the answer's tokens and the end, in order, each after its commit", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "agent-stream");
    const doc = await seedDocument(domain, ws.ctx, "Billing", "Refunds for annual plans are prorated to the remaining months of the term.");
    await ingestDocument(domain, ws.ctx, doc, { embeddings });
    const threadId = await seedThread(domain, ws.ctx);
    const steps: TAgentStreamStep[] = [];
    const seen: string[] = [];
    let queuedId: string | null = null;

    const result = await runAgent(domain, ws.ctx, {
      threadId, input: "how are refunds for annual plans handled", model: new OfflineDeterministicChatModel(),
      tools: [createSearchDocumentsTool({ domain: domain, ctx: ws.ctx, embeddings, defaultK: 1 })],
      onQueued: (id) => { queuedId = id; },
      onStep: (step) => {
        steps.push(step);
        // Committed before it is told: the tool call's row exists when its step streams.
        if (step.kind === "tool_call") void domain.run(ws.ctx, (op) => listToolCalls(op, queuedId!)).then((calls) => seen.push(`calls=${calls.length}`));
      },
    });

    expect(result.status).toBe("completed");
    if (result.status !== "completed") return;
    expect(queuedId).toBe(result.runId);
    const kinds = steps.map((s) => s.kind);
    expect(kinds[0]).toBe("tool_call");
    expect(kinds[1]).toBe("tool_result");
    expect(kinds.at(-1)).toBe("end");
    expect(kinds.slice(2, -1).every((k) => k === "token")).toBe(true);
    expect(kinds.filter((k) => k === "token").length).toBeGreaterThan(3);
    expect(steps[0]).toEqual({ kind: "tool_call", data: { ordinal: 1, name: "search_documents", input: { query: "how are refunds for annual plans handled" } } });
    expect(steps[1]).toEqual({ kind: "tool_result", data: { ordinal: 1, name: "search_documents", status: "completed", error: null } });
    const text = steps.flatMap((s) => (s.kind === "token" ? [s.data.text] : [])).join("");
    expect(text).toBe(result.answer);
    expect(steps.at(-1)).toEqual({ kind: "end", data: { status: "completed", answer: result.answer, error: null } });
    const run = await domain.run(ws.ctx, (op) => findAgentRun(op, result.runId));
    expect(run.status).toBe("completed");
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(["calls=1"]);
  });

  test("ends a failed run's stream with its reason", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "agent-stream-fail");
    const threadId = await seedThread(domain, ws.ctx);
    const steps: TAgentStreamStep[] = [];
    const result = await runAgent(domain, ws.ctx, {
      threadId, input: "anything", model: new OfflineDeterministicChatModel(),
      tools: [tool(async (): Promise<string> => { throw new Error("search index unavailable"); }, { name: "search_documents", description: "fails", schema: z.object({ query: z.string() }) })],
      onStep: (step) => steps.push(step),
    });
    expect(result.status).toBe("failed");
    if (result.status !== "failed") return;
    expect(steps.map((s) => s.kind)).toEqual(["tool_call", "tool_result", "end"]);
    expect(steps[1]).toMatchObject({ data: { status: "failed", error: "search index unavailable" } });
    expect(steps.at(-1)).toEqual({ kind: "end", data: { status: "failed", answer: null, error: result.error } });
  });
});
