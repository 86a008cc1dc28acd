import { AIMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { describe, expect } from "vitest";
import { dbTest as test } from "@spine/testing/fixtures";
import { z } from "zod";
import { AgentRun as AgentRunEntity, cancelAgentRun, findAgentRun, listToolCalls } from "@spine/domain";
import { OfflineDeterministicChatModel } from "../models/offline-deterministic-chat-model.ts";
import { outboxOf, seedThread, seedWorkspace } from "../test-support/knowledge-fixture.ts";
import { runAgent } from "./run-agent.ts";

/** A model that never answers: after `delayMs` it asks for the `echo` tool again. */
class SlowLoopingModel extends OfflineDeterministicChatModel {
  constructor(private readonly delayMs: number) {
    super();
  }
  override bindTools(): SlowLoopingModel {
    return this;
  }
  override async _generate() {
    await new Promise((r) => setTimeout(r, this.delayMs));
    const message = new AIMessage({ content: "", tool_calls: [{ id: `c${Math.random().toString(36).slice(2)}`, name: "echo", args: {}, type: "tool_call" }] });
    return { generations: [{ text: "", message }] };
  }
}

describe("agent run cancel and timeout", () => {
  test("a run cancelled by the caller stops before its next model call and ends failed once, with the reason", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "cancel");
    const thread = await seedThread(domain, ws.ctx);
    let runId = "";
    // The first tool call cancels the run from another transaction, as a second request would.
    const echo = tool(async () => {
      const [run] = await domain.run(ws.ctx, (op) => op.em.find(AgentRunEntity, { threadId: thread }));
      runId = run!.id;
      await domain.run({ ...ws.ctx, correlationId: "cancel-request" }, (op) => cancelAgentRun(op, runId));
      return "ok";
    }, { name: "echo", description: "x", schema: z.object({}) });

    const result = await runAgent(domain, ws.ctx, { threadId: thread, input: "go", model: new SlowLoopingModel(10), tools: [echo], maxSteps: 20 });

    expect(result).toMatchObject({ status: "failed", toolCallCount: 1 });
    expect(result.status === "failed" ? result.error : "").toContain("cancelled by the caller");
    const run = await domain.run(ws.ctx, (op) => findAgentRun(op, runId));
    expect(run).toMatchObject({ status: "failed", error: "cancelled by the caller" });
    expect(await domain.run(ws.ctx, (op) => listToolCalls(op, runId))).toHaveLength(1);
    expect((await outboxOf(domain, ws.ctx, ["agent.run.failed"])).length).toBe(1);
    await expect(domain.run(ws.ctx, (op) => cancelAgentRun(op, runId))).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
  });

  test("a run that takes longer than its timeout ends failed with the reason", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "timeout");
    const thread = await seedThread(domain, ws.ctx);
    const echo = tool(async () => "ok", { name: "echo", description: "x", schema: z.object({}) });

    const result = await runAgent(domain, ws.ctx, { threadId: thread, input: "go", model: new SlowLoopingModel(2_000), tools: [echo], timeoutMs: 300 });

    expect(result).toMatchObject({ status: "failed", error: "timed out after 300 ms" });
    const run = await domain.run(ws.ctx, (op) => findAgentRun(op, result.runId));
    expect(run).toMatchObject({ status: "failed", error: "timed out after 300 ms" });
  });
});
