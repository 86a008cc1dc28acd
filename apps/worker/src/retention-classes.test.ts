import { randomUUID } from "node:crypto";
import { createPgPool } from "@spine/domain/reads";
import { RETENTION_CLASSES, retentionPolicy } from "@spine/domain";
import type pg from "pg";
import { pino } from "pino";
import { describe, expect } from "vitest";
import { runRetention } from "./retention.ts";
import { workerTest } from "./test-support/fixtures.ts";

// Retention of operational tables by data class: one row just past its class's retention and one just
// within it, per table; one pass removes exactly the first, and writes one system audit row with counts.
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const policy = retentionPolicy();
const ago = (ms: number) => new Date(Date.now() - ms);
/** Just past (`expired`) or just within (`kept`) a retention period. */
const expired = (ms: number) => ago(ms + HOUR);
const kept = (ms: number) => ago(ms - HOUR);

/**
 * `seeded`: a workspace and an integration of it, inserted as the owner; `system`: a system-role pool;
 * `jobRun`, `deadLetter`, `integrationEvent`, `activity`, `counter`: insert one labelled row of their table in
 * `seeded`'s workspace; `left(sql)`: the sorted labels a query returns.
 */
const test = workerTest
  .extend("seeded", { scope: "file" }, async ({ owner, seedWorkspace }) => {
    const { workspaceId } = await seedWorkspace("R");
    const integrationId = randomUUID();
    await owner.query("insert into integrations (id, workspace_id, provider, name) values ($1, $2, 'github', 'gh')", [integrationId, workspaceId]);
    return { workspaceId, integrationId };
  })
  .extend("system", { scope: "file" }, ({ db }, { onCleanup }): pg.Pool => {
    const pool = createPgPool({ connectionString: db.systemUrl, max: 2 });
    onCleanup(() => pool.end());
    return pool;
  })
  .extend("jobRun", { scope: "file" }, ({ owner, seeded }) => async (label: string, startedAt: Date): Promise<void> => {
    await owner.query(
      `insert into job_runs (id, workspace_id, handler, operation_key, status, started_at, finished_at) values ($1, $2, 'h', $3, 'succeeded', $4, $4)`,
      [randomUUID(), seeded.workspaceId, label, startedAt],
    );
  })
  .extend("deadLetter", { scope: "file" }, ({ owner, seeded }) => async (label: string, status: "dead" | "replayed", createdAt: Date, replayedAt: Date | null = null): Promise<void> => {
    await owner.query(
      `insert into dead_letter_jobs (id, workspace_id, handler, subject, envelope, error, attempts, status, created_at, replayed_at)
       values ($1, $2, $3, 'evt.x', '{}', 'boom', 5, $4, $5, $6)`,
      [randomUUID(), seeded.workspaceId, label, status, createdAt, replayedAt],
    );
  })
  .extend("integrationEvent", { scope: "file" }, ({ owner, seeded }) => async (label: string, receivedAt: Date): Promise<void> => {
    await owner.query(
      `insert into integration_events (id, workspace_id, integration_id, source, source_event_id, event_type, payload, received_at)
       values ($1, $2, $3::uuid, $3::text, $4, 'issues', '{"raw": true}', $5)`,
      [randomUUID(), seeded.workspaceId, seeded.integrationId, label, receivedAt],
    );
  })
  .extend("activity", { scope: "file" }, ({ owner, seeded }) => async (label: string, occurredAt: Date): Promise<void> => {
    await owner.query(
      "insert into activity_logs (id, workspace_id, verb, target_type, summary, occurred_at) values ($1, $2, 'created', 'project', $3, $4)",
      [randomUUID(), seeded.workspaceId, label, occurredAt],
    );
  })
  .extend("counter", { scope: "file" }, ({ owner, seeded }) => async (label: string, window: "day" | "month", windowStart: Date): Promise<void> => {
    await owner.query(
      `insert into usage_counters (id, workspace_id, metric, "window", window_start, value) values ($1, $2, $3, $4, $5, 1)`,
      [randomUUID(), seeded.workspaceId, label, window, windowStart],
    );
  })
  .extend("left", { scope: "file" }, ({ owner }) => async (sql: string) => (await owner.query<{ label: string }>(sql)).rows.map((r) => r.label).sort());

describe("retention of operational tables by data class", () => {
  test("the classes are configured once: debug short < raw payload < debug medium < aggregate, and job runs outlive redelivery", () => {
    expect(policy).toEqual({
      job_runs: RETENTION_CLASSES.debug_short,
      replayed_dead_letters: RETENTION_CLASSES.debug_short,
      integration_events: RETENTION_CLASSES.raw_payload,
      activity_logs: RETENTION_CLASSES.debug_medium,
      dead_letters: RETENTION_CLASSES.debug_medium,
      usage_counters: RETENTION_CLASSES.aggregate,
    });
    expect(RETENTION_CLASSES.debug_short).toBeLessThan(RETENTION_CLASSES.raw_payload);
    expect(RETENTION_CLASSES.raw_payload).toBeLessThan(RETENTION_CLASSES.debug_medium);
    expect(RETENTION_CLASSES.debug_medium).toBeLessThan(RETENTION_CLASSES.aggregate);
    // A stream kept 30 days plus a 3-day replay window: job runs are kept 33 days, not 14.
    expect(retentionPolicy({ jobRunsAtLeastMs: 33 * DAY }).job_runs).toBe(33 * DAY);
  });

  test("removes rows past their class's retention, keeps newer ones, and audits the pass with counts", async ({ owner, system, domain, jobRun, deadLetter, integrationEvent, activity, counter, left }) => {
    await jobRun("old", expired(policy.job_runs));
    await jobRun("new", kept(policy.job_runs));
    await deadLetter("replayed-old", "replayed", expired(policy.dead_letters), expired(policy.replayed_dead_letters));
    await deadLetter("replayed-new", "replayed", expired(policy.dead_letters), kept(policy.replayed_dead_letters));
    await deadLetter("dead-old", "dead", expired(policy.dead_letters));
    // Never replayed: kept for the medium class although older than the short one.
    await deadLetter("dead-new", "dead", expired(policy.replayed_dead_letters));
    await integrationEvent("old", expired(policy.integration_events));
    await integrationEvent("new", kept(policy.integration_events));
    await activity("old", expired(policy.activity_logs));
    await activity("new", kept(policy.activity_logs));
    // Usage windows: measured from the window's end, so a month that started 400 days ago is still kept.
    await counter("day-ended-old", "day", expired(policy.usage_counters + DAY));
    await counter("day-ended-new", "day", kept(policy.usage_counters + DAY));
    await counter("month-ended-old", "month", expired(policy.usage_counters + 31 * DAY));
    await counter("month-started-old", "month", expired(policy.usage_counters));
    await counter("current", "month", new Date());

    const result = await runRetention({
      pool: system, domain, replayWindowMs: HOUR, rateLimitRetentionMs: DAY, agentRunStaleAfterMs: HOUR, logger: pino({ level: "silent" }),
    });
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ jobRuns: 1, replayedDeadLetters: 1, deadLetters: 1, integrationEvents: 1, activityLogs: 1, usageCounters: 2 });

    expect(await left("select operation_key as label from job_runs")).toEqual(["new"]);
    expect(await left("select handler as label from dead_letter_jobs")).toEqual(["dead-new", "replayed-new"]);
    expect(await left("select source_event_id as label from integration_events")).toEqual(["new"]);
    expect(await left("select summary as label from activity_logs")).toEqual(["new"]);
    expect(await left("select metric as label from usage_counters")).toEqual(["current", "day-ended-new", "month-started-old"]);

    const audits = await owner.query<{ actor_type: string; actor_name: string; target_type: string; details: { deleted: Record<string, number> }; correlation_id: string }>(
      "select actor_type, actor_name, target_type, details, correlation_id from system_audit_logs where action = 'retention.pass'",
    );
    expect(audits.rows).toHaveLength(1);
    expect(audits.rows[0]).toMatchObject({ actor_type: "system", actor_name: "worker", target_type: "retention", correlation_id: expect.stringMatching(/^retention-/) as string });
    expect(audits.rows[0]?.details.deleted).toMatchObject({ jobRuns: 1, replayedDeadLetters: 1, deadLetters: 1, integrationEvents: 1, activityLogs: 1, usageCounters: 2 });

    // A second pass finds nothing more and is audited too.
    const again = await runRetention({
      pool: system, domain, replayWindowMs: HOUR, rateLimitRetentionMs: DAY, agentRunStaleAfterMs: HOUR, logger: pino({ level: "silent" }),
    });
    expect(again).toMatchObject({ jobRuns: 0, deadLetters: 0, integrationEvents: 0, activityLogs: 0, usageCounters: 0 });
    expect((await owner.query("select 1 from system_audit_logs where action = 'retention.pass'")).rowCount).toBe(2);
  });
});
