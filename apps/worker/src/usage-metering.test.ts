import { randomUUID } from "node:crypto";
import { applyOnce } from "@spine/bus";
import { createEnvelope, parseEnvelope, type AnyEnvelope } from "@spine/contracts";
import { pino } from "pino";
import { describe, expect } from "vitest";
import type { WorkerHandler } from "./handlers/index.ts";
import { usageMeteringHandler } from "./handlers/usage-metering.ts";
import { workerTest } from "./test-support/fixtures.ts";
import { jobLedger } from "./wiring.ts";

const logger = pino({ level: "silent" });
const AT = new Date("2026-11-28T10:00:00Z");

const itemCreated = (workspaceId: string, occurredAt = AT) =>
  createEnvelope({
    type: "item.created", payload: { item_id: randomUUID(), project_id: randomUUID(), title: "x" }, workspaceId, actorId: null,
    correlationId: `metering-${randomUUID()}`, occurredAt,
  });

/**
 * `apply(envelope)`: the handler applied once through the job ledger of `domain`; `counters(ws)`, `limitEvents(ws)`:
 * a workspace's usage counters and usage.limit_reached events; `setPolicy(ws, metric, window, limit)`.
 */
const test = workerTest
  .extend("apply", { scope: "file" }, ({ domain }) => (envelope: AnyEnvelope) => applyOnce(jobLedger(domain), usageMeteringHandler as WorkerHandler, envelope, 1, logger))
  .extend("counters", { scope: "file" }, ({ owner }) => async (workspaceId: string): Promise<{ metric: string; window: string; window_start: string; value: number }[]> => {
    const { rows } = await owner.query<{ metric: string; window: string; window_start: string; value: number }>(
      `select metric, "window", to_char(window_start at time zone 'UTC', 'YYYY-MM-DD') as window_start, value::int as value
       from usage_counters where workspace_id = $1 order by metric, "window", window_start`,
      [workspaceId],
    );
    return rows;
  })
  .extend("limitEvents", { scope: "file" }, ({ owner }) => async (workspaceId: string) => {
    const { rows } = await owner.query<{ id: string; workspace_id: string; event_type: string; subject: string; envelope: unknown }>(
      "select id, workspace_id, event_type, subject, envelope from outbox where workspace_id = $1 and event_type = 'usage.limit_reached' order by id",
      [workspaceId],
    );
    return rows;
  })
  .extend("setPolicy", { scope: "file" }, ({ owner }) => async (workspaceId: string, metric: string, window: "day" | "month", limit: number): Promise<void> => {
    await owner.query(`insert into usage_policies (id, workspace_id, metric, "window", limit_value) values ($1, $2, $3, $4, $5)`, [
      randomUUID(), workspaceId, metric, window, limit,
    ]);
  });

describe("usage-metering handler", () => {
  test("counts each metered event type under its metric, in the day and month windows of the event", async ({ seedWorkspace, apply, counters, owner }) => {
    const { workspaceId: ws } = await seedWorkspace("U");
    const common = { workspaceId: ws, actorId: null, correlationId: "metering-types", occurredAt: AT };
    await apply(createEnvelope({ type: "project.created", payload: { project_id: randomUUID(), name: "P" }, ...common }));
    await apply(itemCreated(ws));
    await apply(itemCreated(ws, new Date("2026-12-01T00:00:00Z")));
    await apply(createEnvelope({ type: "document.created", payload: { document_id: randomUUID(), project_id: null, title: "D" }, ...common }));
    await apply(createEnvelope({ type: "agent.run.started", payload: { run_id: randomUUID(), thread_id: randomUUID(), model: "stub" }, ...common }));
    // A run's end counts the tokens it carries (a failed run's too); a run without tokens counts nothing.
    await apply(createEnvelope({ type: "agent.run.completed", payload: { run_id: randomUUID(), thread_id: randomUUID(), tool_call_count: 0, tokens: 120 }, ...common }));
    await apply(createEnvelope({ type: "agent.run.failed", payload: { run_id: randomUUID(), thread_id: randomUUID(), error: "x", tokens: 30 }, ...common }));
    await apply(createEnvelope({ type: "agent.run.failed", payload: { run_id: randomUUID(), thread_id: randomUUID(), error: "x" }, ...common }));
    expect(await counters(ws)).toEqual([
      { metric: "agent_runs", window: "day", window_start: "2026-11-28", value: 1 },
      { metric: "agent_runs", window: "month", window_start: "2026-11-01", value: 1 },
      { metric: "agent_tokens", window: "day", window_start: "2026-11-28", value: 150 },
      { metric: "agent_tokens", window: "month", window_start: "2026-11-01", value: 150 },
      { metric: "documents", window: "day", window_start: "2026-11-28", value: 1 },
      { metric: "documents", window: "month", window_start: "2026-11-01", value: 1 },
      { metric: "items", window: "day", window_start: "2026-11-28", value: 1 },
      { metric: "items", window: "day", window_start: "2026-12-01", value: 1 },
      { metric: "items", window: "month", window_start: "2026-11-01", value: 1 },
      { metric: "items", window: "month", window_start: "2026-12-01", value: 1 },
      { metric: "projects", window: "day", window_start: "2026-11-28", value: 1 },
      { metric: "projects", window: "month", window_start: "2026-11-01", value: 1 },
    ]);
    const ids = await owner.query<{ id: string }>("select id::text from usage_counters where workspace_id = $1", [ws]);
    expect(ids.rows.every((r) => r.id[14] === "7")).toBe(true);
  });

  test("a redelivered or duplicate envelope counts once, even concurrently", async ({ seedWorkspace, apply, counters }) => {
    const { workspaceId: ws } = await seedWorkspace("U");
    const envelope = itemCreated(ws);
    expect(await apply(envelope)).toBe("applied");
    expect(await apply(envelope)).toBe("duplicate");
    const copy = parseEnvelope(JSON.parse(JSON.stringify(envelope)));
    expect(await apply(copy)).toBe("duplicate");
    const other = itemCreated(ws);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => apply(other)));
    expect(outcomes.filter((o) => o === "applied")).toHaveLength(1);
    expect((await counters(ws)).filter((c) => c.window === "month")).toEqual([
      { metric: "items", window: "month", window_start: "2026-11-01", value: 2 },
    ]);
  });

  test("leaves a window with a policy to the write path (consumeUsage): counts only the others and announces nothing", async ({ seedWorkspace, apply, counters, limitEvents, setPolicy }) => {
    const { workspaceId: ws } = await seedWorkspace("U");
    await setPolicy(ws, "items", "month", 3);
    await Promise.all(Array.from({ length: 5 }, () => apply(itemCreated(ws))));
    expect((await counters(ws)).map((c) => [c.metric, c.window, c.value])).toEqual([["items", "day", 5]]);
    expect(await limitEvents(ws)).toHaveLength(0);
  });
});
