import { describe, expect } from "vitest";
import type { Domain } from "@spine/domain";
import { dbTest as test } from "@spine/testing/fixtures";
import { listToolCalls, listUsageCounters, reconcileUsage, setUsagePolicy, type OperationContext } from "@spine/domain";
import { OfflineHashEmbeddings } from "../embeddings/offline-hash-embeddings.ts";
import { OfflineDeterministicChatModel } from "../models/offline-deterministic-chat-model.ts";
import { outboxOf, seedThread, seedWorkspace } from "../test-support/knowledge-fixture.ts";
import { createSearchDocumentsTool } from "./search-documents-tool.ts";
import { runAgent } from "./run-agent.ts";

// Issue 13, point 9: tool calls per run are counted into the `agent_tool_calls` usage metric, so a
// policy can limit them. A used-up block policy refuses the call (nothing recorded) and the model is
// told, as it is told any refusal; the run goes on and ends.
const embeddings = new OfflineHashEmbeddings();

async function run(domain: Domain, ctx: OperationContext) {
  const threadId = await seedThread(domain, ctx);
  const tool = createSearchDocumentsTool({ domain: domain, ctx, embeddings, defaultK: 1 });
  return runAgent(domain, ctx, { threadId, input: "how are refunds handled", model: new OfflineDeterministicChatModel(), tools: [tool] });
}
async function dayToolCalls(domain: Domain, ctx: OperationContext): Promise<number | undefined> {
  const counters = await domain.run(ctx, (op) => listUsageCounters(op, { metric: "agent_tool_calls" }));
  return counters.find((c) => c.window === "day")?.value;
}

describe("agent_tool_calls", () => {
  test("counts each recorded tool call; a used-up block policy refuses the next call, records nothing, and the run still ends", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "tool-calls-block");
    await domain.run(ws.ctx, (op) => setUsagePolicy(op, { metric: "agent_tool_calls", window: "day", limit: 1 }));

    const first = await run(domain, ws.ctx);
    expect(first.status).toBe("completed");
    expect(await domain.run(ws.ctx, (op) => listToolCalls(op, first.runId))).toHaveLength(1);
    expect(await dayToolCalls(domain, ws.ctx)).toBe(1);
    const reached = await outboxOf(domain, ws.ctx, ["usage.limit_reached"]);
    expect(reached.map((e) => e.envelope.payload)).toEqual([expect.objectContaining({ metric: "agent_tool_calls", limit: 1, value: 1, window: "day" })]);

    const second = await run(domain, ws.ctx);
    expect(second.status).toBe("completed");
    expect(await domain.run(ws.ctx, (op) => listToolCalls(op, second.runId))).toEqual([]);
    expect(await dayToolCalls(domain, ws.ctx)).toBe(1);
    expect(await outboxOf(domain, ws.ctx, ["agent.tool.called"])).toHaveLength(1);
    expect(await outboxOf(domain, ws.ctx, ["usage.limit_reached"])).toHaveLength(1);

    // The reconciler recounts tool calls from their rows and finds the policed window right (windows
    // without a policy are the metering consumer's, which this test does not run).
    const drifts = await domain.run(ws.ctx, (op) => reconcileUsage(op, { since: new Date(Date.now() - 40 * 86_400_000), settledBefore: new Date(), repair: false }));
    expect(drifts.filter((d) => d.metric === "agent_tool_calls" && d.window === "day")).toEqual([]);
  });
});
