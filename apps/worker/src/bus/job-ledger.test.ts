import { randomUUID } from "node:crypto";
import type { JobRunStart } from "@spine/bus";
import { dbTest } from "@spine/testing/fixtures";
import pg from "pg";
import { describe, expect } from "vitest";
import { jobLedger, type WorkerOperation } from "../wiring.ts";
import { createEffectsTable } from "./test-support/effects-table.ts";
import { seedWorkspaces } from "./test-support/seed-workspaces.ts";

/**
 * The consumers' ledger as the worker wires it: the `job_runs` row is written last, after the effects,
 * by one conditional upsert; no row back means the operation had already succeeded and the effects roll back.
 */
const test = dbTest
  .extend("workspaces", { scope: "file" }, async ({ db }) => {
    await createEffectsTable(db.ownerUrl);
    return seedWorkspaces(db.ownerUrl, 2);
  })
  .extend("owner", { scope: "file" }, async ({ db }, { onCleanup }) => {
    const pool = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
    onCleanup(() => pool.end());
    return pool;
  });

const HANDLER = "ledger-test";

function runOf(workspaceId: string, eventId = randomUUID(), attempt = 1): JobRunStart {
  return {
    handler: HANDLER, operationKey: `${HANDLER}:${eventId}`, workspaceId, eventId, eventType: "project.created",
    correlationId: `test-${eventId}`, attempt, mayHaveRun: attempt > 1,
  };
}

/** The handler's effect: one row per application (no unique key, so a second application would show). */
function effect(run: JobRunStart, calls: { n: number }) {
  return async (op: WorkerOperation) => {
    calls.n += 1;
    await op.em.execute("insert into bus_test_effects (workspace_id, event_id, handler) values (spine_current_workspace(), ?, ?)", [run.eventId, HANDLER]);
  };
}

async function effectRows(owner: pg.Pool, eventIds: (string | null)[]): Promise<number> {
  const { rows } = await owner.query<{ n: number }>("select count(*)::int as n from bus_test_effects where event_id = any($1::uuid[])", [eventIds]);
  return rows[0]!.n;
}

async function jobRuns(owner: pg.Pool, run: JobRunStart): Promise<{ status: string; attempts: number; last_error: string | null }[]> {
  const { rows } = await owner.query<{ status: string; attempts: number; last_error: string | null }>(
    "select status, attempts, last_error from job_runs where handler = $1 and operation_key = $2", [run.handler, run.operationKey]);
  return rows;
}

describe("job ledger (insert-last)", () => {
  test("a duplicate delivery runs its handler, finds the operation succeeded, and rolls its effects back", async ({ domain, owner, workspaces }) => {
    const ledger = jobLedger(domain);
    const run = runOf(workspaces[0]!);
    const calls = { n: 0 };
    expect(await ledger.applyOnce(run, effect(run, calls))).toBe("applied");
    // A first delivery (not a redelivery) of an operation that already succeeded: nothing checks before the
    // handler, so it runs; the job_runs upsert returns no row and the transaction rolls back.
    expect(await ledger.applyOnce(run, effect(run, calls))).toBe("duplicate");
    expect(calls.n).toBe(2);
    expect(await effectRows(owner, [run.eventId])).toBe(1);
    expect(await jobRuns(owner, run)).toEqual([{ status: "succeeded", attempts: 1, last_error: null }]);
  });

  test("two concurrent deliveries of one operation: one applies, the other waits on the row and rolls back", async ({ domain, owner, workspaces }) => {
    const ledger = jobLedger(domain);
    const run = runOf(workspaces[0]!);
    const calls = { n: 0 };
    const outcomes = await Promise.all([ledger.applyOnce(run, effect(run, calls)), ledger.applyOnce(run, effect(run, calls))]);
    expect(outcomes.sort()).toEqual(["applied", "duplicate"]);
    expect(await effectRows(owner, [run.eventId])).toBe(1);
    expect(await jobRuns(owner, run)).toHaveLength(1);
  });

  test("a redelivery of a finished operation is skipped before its handler runs", async ({ domain, owner, workspaces }) => {
    const ledger = jobLedger(domain);
    const run = runOf(workspaces[1]!);
    const calls = { n: 0 };
    await ledger.applyOnce(run, effect(run, calls));
    expect(await ledger.applyOnce({ ...run, attempt: 2, mayHaveRun: true }, effect(run, calls))).toBe("duplicate");
    expect(calls.n).toBe(1);
    expect(await effectRows(owner, [run.eventId])).toBe(1);
  });

  test("a failed attempt's row turns into a success on the next attempt; a failure never downgrades a success", async ({ domain, owner, workspaces }) => {
    const ledger = jobLedger(domain);
    const run = runOf(workspaces[0]!);
    const calls = { n: 0 };
    await expect(ledger.applyOnce(run, async (op) => {
      await effect(run, calls)(op);
      throw new Error("boom");
    })).rejects.toThrow("boom");
    await ledger.recordFailure({ ...run, status: "failed", error: "boom", durationMs: 1 });
    expect(await effectRows(owner, [run.eventId])).toBe(0);
    expect(await jobRuns(owner, run)).toEqual([{ status: "failed", attempts: 1, last_error: "boom" }]);

    const retry = { ...run, attempt: 2, mayHaveRun: true };
    expect(await ledger.applyOnce(retry, effect(run, calls))).toBe("applied");
    expect(await jobRuns(owner, run)).toEqual([{ status: "succeeded", attempts: 2, last_error: null }]);
    await ledger.recordFailure({ ...run, attempt: 3, status: "failed", error: "late", durationMs: 1 });
    expect(await jobRuns(owner, run)).toEqual([{ status: "succeeded", attempts: 2, last_error: null }]);
    expect(await effectRows(owner, [run.eventId])).toBe(1);
  });

  test("a batch applies every run in one transaction, each with its own succeeded row", async ({ domain, owner, workspaces }) => {
    const ledger = jobLedger(domain);
    const runs = [runOf(workspaces[0]!), runOf(workspaces[0]!), runOf(workspaces[0]!)];
    const calls = { n: 0 };
    await ledger.applyBatch!(runs, (op, i) => effect(runs[i]!, calls)(op));
    expect(await effectRows(owner, runs.map((r) => r.eventId))).toBe(3);
    for (const run of runs) expect(await jobRuns(owner, run)).toEqual([{ status: "succeeded", attempts: 1, last_error: null }]);
  });

  test("a batch with an operation that already succeeded, or whose handler throws, commits nothing", async ({ domain, owner, workspaces }) => {
    const ledger = jobLedger(domain);
    const calls = { n: 0 };
    const done = runOf(workspaces[1]!);
    await ledger.applyOnce(done, effect(done, calls));
    const fresh = [runOf(workspaces[1]!), runOf(workspaces[1]!)];

    const withDuplicate = [fresh[0]!, done, fresh[1]!];
    await expect(ledger.applyBatch!(withDuplicate, (op, i) => effect(withDuplicate[i]!, calls)(op))).rejects.toThrow(/already succeeded/);
    expect(await effectRows(owner, [...fresh.map((r) => r.eventId), done.eventId])).toBe(1);
    for (const run of fresh) expect(await jobRuns(owner, run)).toEqual([]);

    await expect(ledger.applyBatch!(fresh, async (op, i) => {
      await effect(fresh[i]!, calls)(op);
      if (i === 1) throw new Error("second fails");
    })).rejects.toThrow("second fails");
    expect(await effectRows(owner, fresh.map((r) => r.eventId))).toBe(0);
    for (const run of fresh) expect(await jobRuns(owner, run)).toEqual([]);
  });

  test("a batch is first deliveries of one workspace", async ({ domain, workspaces }) => {
    const ledger = jobLedger(domain);
    await expect(ledger.applyBatch!([runOf(workspaces[0]!), runOf(workspaces[1]!)], () => Promise.resolve())).rejects.toThrow(/one workspace/);
    await expect(ledger.applyBatch!([runOf(workspaces[0]!), runOf(workspaces[0]!, randomUUID(), 2)], () => Promise.resolve())).rejects.toThrow(/first deliveries/);
  });
});
