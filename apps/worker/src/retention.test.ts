import { randomUUID } from "node:crypto";
import { createPgPool } from "@spine/domain/reads";
import { parseEnvelope } from "@spine/contracts";
import { pino } from "pino";
import { describe, expect } from "vitest";
import { loadWorkerEnv } from "./env.ts";
import { runRetention, startRetention, type RetentionOptions } from "./retention.ts";
import { workerTest } from "./test-support/fixtures.ts";

const HOUR = 3_600_000;
/**
 * `options`: retention on a system-role pool and `domain`, one hour replay window and staleness, a day of rate
 * limits; `seedThread()`: a workspace with one agent thread; `seedRun(ws, run)`: an agent run row (`agoMs` moves
 * its last change and creation into the past) with `toolCalls` tool calls; `runStatus(id)`.
 */
const test = workerTest
  .extend("options", { scope: "file" }, ({ db, domain }, { onCleanup }): Omit<RetentionOptions, "intervalMs"> => {
    const system = createPgPool({ connectionString: db.systemUrl, max: 2 });
    onCleanup(() => system.end());
    return { pool: system, domain, replayWindowMs: HOUR, rateLimitRetentionMs: 24 * HOUR, agentRunStaleAfterMs: HOUR, logger: pino({ level: "silent" }) };
  })
  .extend("seedThread", { scope: "file" }, ({ owner, seedWorkspace }) => async (): Promise<{ workspaceId: string; threadId: string }> => {
    const { workspaceId } = await seedWorkspace("R");
    const threadId = randomUUID();
    await owner.query("insert into agent_threads (id, workspace_id, title) values ($1, $2, 'T')", [threadId, workspaceId]);
    return { workspaceId, threadId };
  })
  .extend("seedRun", { scope: "file" }, ({ owner }) => async (
    ws: { workspaceId: string; threadId: string },
    run: { status: string; retainUntil?: Date | null; agoMs?: number; toolCalls?: number },
  ): Promise<string> => {
    const id = randomUUID();
    const at = new Date(Date.now() - (run.agoMs ?? 0));
    await owner.query(
      `insert into agent_runs (id, workspace_id, thread_id, status, model, retain_until, started_at, created_at, updated_at)
       values ($1, $2, $3, $4, 'stub', $5, $6, $6, $6)`,
      [id, ws.workspaceId, ws.threadId, run.status, run.retainUntil ?? null, at],
    );
    for (let i = 1; i <= (run.toolCalls ?? 0); i++) {
      await owner.query(
        `insert into tool_calls (id, workspace_id, run_id, ordinal, tool_name, status, started_at, completed_at) values ($1, $2, $3, $4, 'search', 'completed', $5, $5)`,
        [randomUUID(), ws.workspaceId, id, i, at],
      );
    }
    return id;
  })
  .extend("runStatus", { scope: "file" }, ({ owner }) => async (id: string): Promise<string | undefined> =>
    (await owner.query<{ status: string }>("select status from agent_runs where id = $1", [id])).rows[0]?.status);

describe("worker retention", () => {
  test("purges agent runs past retain_until with their tool calls, one audit row each, and keeps the others", async ({ options, seedThread, seedRun, runStatus, owner }) => {
    const ws = await seedThread();
    const expired = await seedRun(ws, { status: "completed", retainUntil: new Date(Date.now() - HOUR), toolCalls: 2 });
    const kept = await seedRun(ws, { status: "completed", retainUntil: new Date(Date.now() + 24 * HOUR) });
    const forever = await seedRun(ws, { status: "failed", retainUntil: null });

    const result = await runRetention({ ...options, agentRunPurgeBatchSize: 1 });
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ agentRunsPurged: 1, agentToolCallsPurged: 2 });
    expect(await runStatus(expired)).toBeUndefined();
    expect(await runStatus(kept)).toBe("completed");
    expect(await runStatus(forever)).toBe("failed");
    const calls = await owner.query("select 1 from tool_calls where run_id = $1", [expired]);
    expect(calls.rowCount).toBe(0);
    const audits = await owner.query<{ actor_type: string; target_id: string; correlation_id: string }>(
      "select actor_type, target_id, correlation_id from audit_logs where action = 'agent_run.purged'",
    );
    expect(audits.rows).toEqual([{ actor_type: "system", target_id: expired, correlation_id: expect.stringMatching(/^retention-/) as string }]);
  });

  test("fails agent runs abandoned past the staleness with agent.run.failed, and leaves live runs alone", async ({ options, seedThread, seedRun, runStatus, owner }) => {
    const ws = await seedThread();
    const stuckRunning = await seedRun(ws, { status: "running", agoMs: 2 * HOUR });
    const stuckQueued = await seedRun(ws, { status: "queued", agoMs: 3 * HOUR });
    const live = await seedRun(ws, { status: "running", agoMs: 5 * 60_000 });
    const done = await seedRun(ws, { status: "completed", agoMs: 5 * HOUR });

    const result = await runRetention(options);
    expect(result.errors).toEqual([]);
    expect(result.abandonedAgentRunsFailed).toBe(2);
    expect([await runStatus(stuckRunning), await runStatus(stuckQueued), await runStatus(live), await runStatus(done)]).toEqual([
      "failed", "failed", "running", "completed",
    ]);
    const events = await owner.query<{ envelope: unknown }>("select envelope from outbox where event_type = 'agent.run.failed' and workspace_id = $1", [
      ws.workspaceId,
    ]);
    const failedRuns = events.rows.map((r) => parseEnvelope(r.envelope)).map((e) => (e.event_type === "agent.run.failed" ? e.payload.run_id : null));
    expect(failedRuns.sort()).toEqual([stuckRunning, stuckQueued].sort());
    expect((await runRetention(options)).abandonedAgentRunsFailed).toBe(0);
  });

  test("deletes rate-limit windows older than a day and keeps recent ones", async ({ options, owner }) => {
    await owner.query(
      `insert into rate_limit_hits (bucket, window_start, hits) values
       ('signin:account:a', now() - interval '25 hours', 3), ('signin:ip:x', now() - interval '3 days', 1),
       ('signin:account:a', now() - interval '10 minutes', 2)`,
    );
    const result = await runRetention(options);
    expect(result.errors).toEqual([]);
    expect(result.rateLimitHits).toBe(2);
    const left = await owner.query<{ hits: number }>("select hits from rate_limit_hits");
    expect(left.rows).toEqual([{ hits: 2 }]);
  });

  test("the retention loop runs every job on its first pass", async ({ options, seedThread, seedRun, runStatus, owner }) => {
    const ws = await seedThread();
    const expired = await seedRun(ws, { status: "completed", retainUntil: new Date(Date.now() - HOUR) });
    const stuck = await seedRun(ws, { status: "running", agoMs: 2 * HOUR });
    await owner.query("insert into rate_limit_hits (bucket, window_start, hits) values ('loop', now() - interval '2 days', 1)");
    const loop = startRetention({ ...options, intervalMs: 60_000 });
    await loop.stop();
    expect(await runStatus(expired)).toBeUndefined();
    expect(await runStatus(stuck)).toBe("failed");
    expect((await owner.query("select 1 from rate_limit_hits where bucket = 'loop'")).rowCount).toBe(0);
  });

  test("reads its settings from the environment with defaults", () => {
    const env = loadWorkerEnv({ DATABASE_URL: "postgres://postgres@127.0.0.1:5432/spine" });
    expect(env).toMatchObject({ SPINE_RATE_LIMIT_RETENTION_MS: 24 * HOUR, SPINE_AGENT_RUN_STALE_AFTER_MS: HOUR });
    expect(loadWorkerEnv({ DATABASE_URL: "postgres://u@h/db", SPINE_AGENT_RUN_STALE_AFTER_MS: "7200000" }).SPINE_AGENT_RUN_STALE_AFTER_MS).toBe(2 * HOUR);
    expect(() => loadWorkerEnv({ DATABASE_URL: "postgres://u@h/db", SPINE_AGENT_RUN_STALE_AFTER_MS: "1000" })).toThrow(/SPINE_AGENT_RUN_STALE_AFTER_MS/);
  });
});
