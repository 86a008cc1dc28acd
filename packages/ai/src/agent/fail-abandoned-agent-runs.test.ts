import pg from "pg";
import { describe, expect } from "vitest";
import { findAgentRun, queueAgentRun, startAgentRun } from "@spine/domain";
import { dbTest } from "@spine/testing/fixtures";
import { OfflineDeterministicChatModel } from "../models/offline-deterministic-chat-model.ts";
import { outboxOf, seedThread, seedWorkspace } from "../test-support/knowledge-fixture.ts";
import { failAbandonedAgentRuns } from "./fail-abandoned-agent-runs.ts";
import { runAgent } from "./run-agent.ts";

const it = dbTest.extend("systemPool", { scope: "file" }, ({ db }, { onCleanup }) => {
  const pool = new pg.Pool({ connectionString: db.systemUrl });
  onCleanup(() => pool.end());
  return pool;
});
const MINUTE = 60_000;

describe("failAbandonedAgentRuns", () => {
  it("fails runs a crashed process left running or queued, with agent.run.failed, and leaves finished ones alone", async ({ domain, systemPool }) => {
    const ws = await seedWorkspace(domain, "abandoned");
    const threadId = await seedThread(domain, ws.ctx);
    // A process that died after starting a run, and one that died before starting it.
    const running = await domain.run(ws.ctx, (op) => queueAgentRun(op, { threadId, model: "m", input: { text: "a" } }));
    await domain.run(ws.ctx, (op) => startAgentRun(op, running.id));
    const queued = await domain.run(ws.ctx, (op) => queueAgentRun(op, { threadId, model: "m", input: { text: "b" } }));
    const finished = await runAgent(domain, ws.ctx, { threadId, input: "c", model: new OfflineDeterministicChatModel(), tools: [] });

    const early = await failAbandonedAgentRuns({ domain: domain, systemPool, staleAfterMs: 10 * MINUTE, correlationId: "sweep-0" });
    expect(early).toEqual({ failed: 0 });

    const later = new Date(Date.now() + 11 * MINUTE);
    expect(await failAbandonedAgentRuns({ domain: domain, systemPool, staleAfterMs: 10 * MINUTE, correlationId: "sweep-1", now: later })).toEqual({ failed: 2 });
    expect(await failAbandonedAgentRuns({ domain: domain, systemPool, staleAfterMs: 10 * MINUTE, correlationId: "sweep-2", now: later })).toEqual({ failed: 0 });

    const statuses = await domain.run(ws.ctx, async (op) => {
      const found: string[] = [];
      for (const id of [running.id, queued.id, finished.runId]) found.push((await findAgentRun(op, id)).status);
      return found;
    });
    expect(statuses).toEqual(["failed", "failed", "completed"]);
    const failedEvents = (await outboxOf(domain, ws.ctx, ["agent.run.failed"])).map((e) => e.envelope);
    expect(failedEvents.map((e) => (e.payload as { run_id: string }).run_id).sort()).toEqual([running.id, queued.id].sort());
    expect(failedEvents.every((e) => e.correlation_id === "sweep-1" && e.actor_id === null)).toBe(true);
  });
});
