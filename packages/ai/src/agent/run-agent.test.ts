import { AIMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { describe, expect } from "vitest";
import { dbTest as test } from "@spine/testing/fixtures";
import { z } from "zod";
import { AgentRun, findAgentRun, listToolCalls, type Domain, type OperationContext } from "@spine/domain";
import { OfflineHashEmbeddings } from "../embeddings/offline-hash-embeddings.ts";
import { ingestDocument } from "../ingestion/ingest-document.ts";
import { OfflineDeterministicChatModel } from "../models/offline-deterministic-chat-model.ts";
import { outboxOf, seedDocument, seedThread, seedWorkspace } from "../test-support/knowledge-fixture.ts";
import { createSearchDocumentsTool } from "./search-documents-tool.ts";
import { runAgent } from "./run-agent.ts";

const embeddings = new OfflineHashEmbeddings();
const AGENT_EVENTS = ["agent.run.started", "agent.tool.called", "agent.run.completed", "agent.run.failed"];

async function seedKnowledge(domain: Domain, ctx: OperationContext): Promise<void> {
  for (const [title, content] of [
    ["Billing", "Refunds for annual plans are prorated to the remaining months of the term."],
    ["Office", "The coffee machine on the third floor is descaled every Friday."],
  ] as const) {
    const id = await seedDocument(domain, ctx, title, content);
    await ingestDocument(domain, ctx, id, { embeddings, splitter: { chunkSize: 200, chunkOverlap: 0 } });
  }
}

function searchTool(domain: Domain, ctx: OperationContext) {
  return createSearchDocumentsTool({ domain: domain, ctx, embeddings, defaultK: 1 });
}

const brokenSearch = tool(
  async (): Promise<string> => {
    throw new Error("search index unavailable");
  },
  { name: "search_documents", description: "always fails", schema: z.object({ query: z.string() }) },
);

describe("runAgent with the offline deterministic model", () => {
  test("records the run, its tool call and its events in order, and answers from the documents", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "agent-happy");
    await seedKnowledge(domain, ws.ctx);
    const threadId = await seedThread(domain, ws.ctx);

    const result = await runAgent(domain, ws.ctx, {
      threadId, input: "how are refunds for annual plans handled", model: new OfflineDeterministicChatModel(), tools: [searchTool(domain, ws.ctx)],
    });

    expect(result.status).toBe("completed");
    if (result.status !== "completed") return;
    expect(result.toolCallCount).toBe(1);
    expect(result.answer).toContain("Billing");
    expect(result.answer).toContain("Refunds for annual plans are prorated");
    expect(result.answer).not.toContain("coffee");

    const { run, calls } = await domain.run(ws.ctx, async (op) => ({ run: await findAgentRun(op, result.runId), calls: await listToolCalls(op, result.runId) }));
    expect(run).toMatchObject({ status: "completed", model: "offline-deterministic-v1", threadId, input: { text: "how are refunds for annual plans handled" }, output: { answer: result.answer }, error: null });
    expect(run.startedAt).toBeInstanceOf(Date);
    expect(run.completedAt!.getTime()).toBeGreaterThanOrEqual(run.startedAt!.getTime());
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ ordinal: 1, toolName: "search_documents", status: "completed", input: { query: "how are refunds for annual plans handled" }, error: null });
    expect(String(calls[0]!.output?.content)).toContain("Refunds for annual plans");

    const events = await outboxOf(domain, ws.ctx, AGENT_EVENTS);
    expect(events.map((e) => e.eventType)).toEqual(["agent.run.started", "agent.tool.called", "agent.run.completed"]);
    expect(events.map((e) => e.envelope.payload)).toEqual([
      { run_id: run.id, thread_id: threadId, model: "offline-deterministic-v1" },
      { run_id: run.id, tool_call_id: calls[0]!.id, tool_name: "search_documents" },
      { run_id: run.id, thread_id: threadId, tool_call_count: 1, tokens: run.inputTokens + run.outputTokens },
    ]);
    expect(run.inputTokens).toBeGreaterThan(0);
    expect({ input: run.inputTokens, output: run.outputTokens }).toEqual(result.tokens);
    expect(events.every((e) => e.envelope.correlation_id === ws.ctx.correlationId)).toBe(true);
  });

  test("is deterministic: the same input over the same documents gives the same answer", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "agent-determinism");
    await seedKnowledge(domain, ws.ctx);
    const threadId = await seedThread(domain, ws.ctx);
    const ask = () => runAgent(domain, ws.ctx, { threadId, input: "when is the coffee machine descaled", model: new OfflineDeterministicChatModel(), tools: [searchTool(domain, ws.ctx)] });

    const [first, second] = [await ask(), await ask()];

    expect(first.status).toBe("completed");
    // The same answer and output tokens; the second run's model also received the first turn as history.
    expect(second).toEqual({ ...first, runId: second.runId, tokens: { input: second.tokens.input, output: first.tokens.output } });
    expect(second.tokens.input).toBeGreaterThan(first.tokens.input);
    expect(second.runId).not.toBe(first.runId);
  });

  test("fails the run when a tool fails: tool call failed, agent.run.failed, no completion", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "agent-tool-fails");
    const threadId = await seedThread(domain, ws.ctx);

    const result = await runAgent(domain, ws.ctx, { threadId, input: "anything", model: new OfflineDeterministicChatModel(), tools: [brokenSearch] });

    expect(result).toMatchObject({ status: "failed", toolCallCount: 1, error: "tool search_documents failed: search index unavailable" });
    const { run, calls } = await domain.run(ws.ctx, async (op) => ({ run: await findAgentRun(op, result.runId), calls: await listToolCalls(op, result.runId) }));
    expect(run).toMatchObject({ status: "failed", output: null, error: "tool search_documents failed: search index unavailable" });
    expect(run.completedAt).toBeInstanceOf(Date);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ status: "failed", error: "search index unavailable", output: null });
    const events = await outboxOf(domain, ws.ctx, AGENT_EVENTS);
    expect(events.map((e) => e.eventType)).toEqual(["agent.run.started", "agent.tool.called", "agent.run.failed"]);
    // The model call before the failing tool was spent: its tokens are recorded with the failure.
    expect(run.inputTokens).toBeGreaterThan(0);
    expect(events[2]!.envelope.payload).toEqual({ run_id: run.id, thread_id: threadId, error: run.error, tokens: run.inputTokens + run.outputTokens });
  });

  test("commits each step as it happens: mid-run, other transactions already see the run running and its events", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "agent-mid-run");
    const threadId = await seedThread(domain, ws.ctx);
    const seen: { status: string; callStatus: string | undefined; events: string[] }[] = [];
    const observing = tool(
      async (): Promise<string> => {
        const runs = await domain.run(ws.ctx, (op) => op.em.find(AgentRun, { threadId }));
        const calls = await domain.run(ws.ctx, (op) => listToolCalls(op, runs[0]!.id));
        const events = await outboxOf(domain, ws.ctx, AGENT_EVENTS);
        seen.push({ status: runs[0]!.status, callStatus: calls[0]?.status, events: events.map((e) => e.eventType) });
        return JSON.stringify({ query: "x", results: [] });
      },
      { name: "search_documents", description: "observes", schema: z.object({ query: z.string() }) },
    );

    const result = await runAgent(domain, ws.ctx, { threadId, input: "x", model: new OfflineDeterministicChatModel(), tools: [observing] });

    expect(result.status).toBe("completed");
    expect(seen).toEqual([{ status: "running", callStatus: "running", events: ["agent.run.started", "agent.tool.called"] }]);
  });

  test("fails the run when the model calls a tool it was not given", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "agent-unknown-tool");
    const threadId = await seedThread(domain, ws.ctx);
    const model = new OfflineDeterministicChatModel().bindTools([{ type: "function", function: { name: "search_documents", description: "x", parameters: {} } }]);
    const other = tool(async () => "unused", { name: "calculator", description: "x", schema: z.object({}) });

    const result = await runAgent(domain, ws.ctx, { threadId, input: "hi", model, tools: [other] });

    expect(result.status).toBe("failed");
    expect(result.status === "failed" ? result.error : "").toContain('unknown tool "search_documents"');
  });

  test("fails the run with the reason when the model keeps calling tools past the step limit", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "agent-step-limit");
    const threadId = await seedThread(domain, ws.ctx);
    /** A model that never answers: every call asks for the tool again. */
    class LoopingModel extends OfflineDeterministicChatModel {
      override bindTools(): LoopingModel {
        return this;
      }
      override async _generate() {
        const message = new AIMessage({ content: "", tool_calls: [{ id: `c${Math.random().toString(36).slice(2)}`, name: "echo", args: {}, type: "tool_call" }] });
        return Promise.resolve({ generations: [{ text: "", message }] });
      }
    }
    const echo = tool(async () => "again", { name: "echo", description: "x", schema: z.object({}) });

    const result = await runAgent(domain, ws.ctx, { threadId, input: "loop", model: new LoopingModel(), tools: [echo], maxSteps: 3 });

    expect(result).toMatchObject({ status: "failed", toolCallCount: 3 });
    expect(result.status === "failed" ? result.error : "").toMatch(/limit/i);
  });

  test("answers without a tool call when it has no tools", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "agent-no-tools");
    const threadId = await seedThread(domain, ws.ctx);
    const result = await runAgent(domain, ws.ctx, { threadId, input: "hello", model: new OfflineDeterministicChatModel(), tools: [] });
    expect(result).toMatchObject({ status: "completed", toolCallCount: 0 });
  });

  test("refuses a thread of another workspace and records nothing there", async ({ domain }) => {
    const a = await seedWorkspace(domain, "agent-a");
    const b = await seedWorkspace(domain, "agent-b");
    const threadOfA = await seedThread(domain, a.ctx);
    await expect(runAgent(domain, b.ctx, { threadId: threadOfA, input: "x", model: new OfflineDeterministicChatModel(), tools: [] }))
      .rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await outboxOf(domain, a.ctx, AGENT_EVENTS)).toHaveLength(0);
  });
});
