import { describe, expect } from "vitest";
import type { Domain } from "@spine/domain";
import { dbTest as test } from "@spine/testing/fixtures";
import {
  addLateAgentRunTokens, AgentRun, cancelAgentRun, findAgentRun, listUsageCounters, queueAgentRun, reconcileUsage, setUsagePolicy, startAgentRun,
  type OperationContext,
} from "@spine/domain";
import { OfflineDeterministicChatModel } from "../models/offline-deterministic-chat-model.ts";
import { outboxOf, seedThread, seedWorkspace } from "../test-support/knowledge-fixture.ts";
import { runAgent } from "./run-agent.ts";

// Issue 11, point 1: agent runs consume the `agent_tokens` usage metric. The tokens are what the model
// reports (the offline model reports a deterministic count); they are stored on the run and counted
// in the transaction that records its end. A block policy refuses the next run once the window is used up.
const QUESTION = "how are refunds for annual plans handled";

async function run(domain: Domain, ctx: OperationContext) {
  const threadId = await seedThread(domain, ctx);
  return runAgent(domain, ctx, { threadId, input: QUESTION, model: new OfflineDeterministicChatModel(), tools: [] });
}
async function dayTokens(domain: Domain, ctx: OperationContext): Promise<number | undefined> {
  const counters = await domain.run(ctx, (op) => listUsageCounters(op, { metric: "agent_tokens" }));
  return counters.find((c) => c.window === "day")?.value;
}
const runsOf = (domain: Domain, ctx: OperationContext) => domain.run(ctx, (op) => op.em.count(AgentRun, {}));

describe("agent_tokens", () => {
  test("a run stores the model's reported tokens, counts them with its end, and the event carries them", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "tokens-count");
    await domain.run(ws.ctx, (op) => setUsagePolicy(op, { metric: "agent_tokens", window: "day", limit: 1_000_000 }));
    const result = await run(domain, ws.ctx);
    expect(result.status).toBe("completed");
    expect(result.tokens.input).toBeGreaterThan(0);
    expect(result.tokens.output).toBeGreaterThan(0);
    const total = result.tokens.input + result.tokens.output;
    const stored = await domain.run(ws.ctx, (op) => findAgentRun(op, result.runId));
    expect({ input: stored.inputTokens, output: stored.outputTokens }).toEqual(result.tokens);
    expect(await dayTokens(domain, ws.ctx)).toBe(total);
    const [completed] = await outboxOf(domain, ws.ctx, ["agent.run.completed"]);
    expect(completed?.envelope.payload).toMatchObject({ run_id: result.runId, tokens: total });
    // Deterministic: the same question in a fresh thread reports the same usage.
    const again = await run(domain, ws.ctx);
    expect(again.tokens).toEqual(result.tokens);
    expect(await dayTokens(domain, ws.ctx)).toBe(2 * total);
    // The reconciler recounts the tokens from the runs' rows and finds the counters right.
    const drifts = await domain.run(ws.ctx, (op) => reconcileUsage(op, { since: new Date(Date.now() - 40 * 86_400_000), settledBefore: new Date(), repair: false }));
    expect(drifts.filter((d) => d.metric === "agent_tokens")).toEqual([]);
  });

  test("a block policy lets runs through until the window's tokens reach the limit, then refuses the next run and writes nothing", async ({ domain }) => {
    const probe = await seedWorkspace(domain, "tokens-probe");
    const perRun = (await run(domain, probe.ctx)).tokens;
    const total = perRun.input + perRun.output;

    const ws = await seedWorkspace(domain, "tokens-block");
    // Room for one run and a bit: the second run starts below the limit and overshoots it by its own usage.
    await domain.run(ws.ctx, (op) => setUsagePolicy(op, { metric: "agent_tokens", window: "day", limit: total + 1 }));
    expect((await run(domain, ws.ctx)).status).toBe("completed");
    expect(await outboxOf(domain, ws.ctx, ["usage.limit_reached"])).toEqual([]);
    expect((await run(domain, ws.ctx)).status).toBe("completed");
    expect(await dayTokens(domain, ws.ctx)).toBe(2 * total);
    const reached = await outboxOf(domain, ws.ctx, ["usage.limit_reached"]);
    expect(reached.map((e) => e.envelope.payload)).toEqual([
      expect.objectContaining({ metric: "agent_tokens", limit: total + 1, value: 2 * total, window: "day" }),
    ]);

    const runsBefore = await runsOf(domain, ws.ctx);
    const threadId = await seedThread(domain, ws.ctx);
    const refused = runAgent(domain, ws.ctx, { threadId, input: QUESTION, model: new OfflineDeterministicChatModel(), tools: [] });
    await expect(refused).rejects.toMatchObject({
      code: "USAGE_LIMIT_REACHED", details: { metric: "agent_tokens", limit: total + 1, window: "day", resetsAt: expect.any(String) as unknown },
    });
    expect(await runsOf(domain, ws.ctx)).toBe(runsBefore);
    expect(await dayTokens(domain, ws.ctx)).toBe(2 * total);
    expect(await outboxOf(domain, ws.ctx, ["usage.limit_reached"])).toHaveLength(1);

    // A notify policy never refuses.
    await domain.run(ws.ctx, (op) => setUsagePolicy(op, { metric: "agent_tokens", window: "day", limit: total + 1, action: "notify" }));
    expect((await run(domain, ws.ctx)).status).toBe("completed");
  });

  test("tokens a cancelled run spent after the cancel are still added to it and counted in every window", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "tokens-late");
    await domain.run(ws.ctx, (op) => setUsagePolicy(op, { metric: "agent_tokens", window: "day", limit: 1_000 }));
    const threadId = await seedThread(domain, ws.ctx);
    const queued = await domain.run(ws.ctx, (op) => queueAgentRun(op, { threadId, model: "m", input: { text: "q" } }));
    await domain.run(ws.ctx, (op) => startAgentRun(op, queued.id));
    await domain.run(ws.ctx, (op) => cancelAgentRun(op, queued.id));
    const late = await domain.run(ws.ctx, (op) => addLateAgentRunTokens(op, queued.id, { input: 30, output: 12 }));
    expect({ status: late.status, input: late.inputTokens, output: late.outputTokens }).toEqual({ status: "failed", input: 30, output: 12 });
    const counters = await domain.run(ws.ctx, (op) => listUsageCounters(op, { metric: "agent_tokens" }));
    expect(counters.map((c) => [c.window, c.value])).toEqual([["day", 42], ["month", 42]]);
    await expect(domain.run(ws.ctx, (op) => addLateAgentRunTokens(op, queued.id, { input: -1, output: 0 }))).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
