import { randomUUID } from "node:crypto";
import { createPgPool } from "@spine/domain/reads";
import { accessExpiryKey, applyLifecycleEvent, createWorkspace, Domain, runAccessTransition, type OperationContext } from "@spine/domain";
import type pg from "pg";
import { pino } from "pino";
import { describe, expect } from "vitest";
import { runAccessExpiry } from "./access-expiry.ts";
import { workerTest } from "./test-support/fixtures.ts";

const logger = pino({ level: "silent" });
const sys = (workspaceId: string): OperationContext => ({ workspaceId, actorId: null, actorType: "system", correlationId: `t-${randomUUID()}` });

/**
 * `workers`: two workers, each with its own system pool and its own domain (own connections, own transactions);
 * `newWorkspace()`: a workspace of one seeded user; `expireSoon(ws, at)`: active access that expires at `at`
 * (the change that sets it is effective now; the job runs with a later clock); `deactivations(ws)`,
 * `stateOf(ws)`: its access.deactivated payloads and its access state.
 */
const test = workerTest
  .extend("workers", { scope: "file" }, async ({ db }, { onCleanup }) => {
    const workers: { pool: pg.Pool; domain: Domain }[] = [];
    onCleanup(async () => {
      for (const w of workers) {
        await w.domain.close();
        await w.pool.end();
      }
    });
    for (let i = 0; i < 2; i++) {
      workers.push({ pool: createPgPool({ connectionString: db.systemUrl, max: 3 }), domain: await Domain.create({ clientUrl: db.appUrl, poolMax: 4 }) });
    }
    return workers;
  })
  .extend("userId", { scope: "file" }, async ({ owner }) => {
    const userId = randomUUID();
    await owner.query("insert into users (id, email, password_hash, display_name) values ($1, $2, 'x', 'E')", [userId, `${userId}@t.local`]);
    return userId;
  })
  .extend("newWorkspace", { scope: "file" }, ({ workers, userId }) => async (): Promise<string> => {
    const { workspace } = await workers[0]!.domain.run({ workspaceId: null, actorId: userId, actorType: "user", correlationId: "seed" }, (op) =>
      createWorkspace(op, { name: "expiring" }));
    return workspace.id;
  })
  .extend("expireSoon", { scope: "file" }, ({ workers }) => async (workspaceId: string, expiresAt: Date): Promise<void> => {
    await workers[0]!.domain.run(sys(workspaceId), (op) =>
      applyLifecycleEvent(op, { type: "access.changed", payload: { plan: "pro", effective_at: new Date().toISOString(), expires_at: expiresAt.toISOString() } }));
  })
  .extend("deactivations", { scope: "file" }, ({ owner }) => async (workspaceId: string) => {
    const { rows } = await owner.query<{ envelope: { payload: { reason: string; effective_at: string } } }>(
      "select envelope from outbox where workspace_id = $1 and event_type = 'access.deactivated'", [workspaceId]);
    return rows.map((r) => r.envelope.payload);
  })
  .extend("stateOf", { scope: "file" }, ({ owner }) => async (workspaceId: string) => {
    const { rows } = await owner.query<{ state: string; reason: string | null; version: number; next_transition_at: Date | null }>(
      "select state, reason, version, next_transition_at from demo_access_states where workspace_id = $1", [workspaceId]);
    return rows[0];
  });

describe("access expiry job", () => {
  test("two workers racing over 12 expired workspaces emit access.deactivated (expired) exactly once each", async ({ workers, owner, newWorkspace, expireSoon, deactivations, stateOf }) => {
    const past = new Date(Date.now() + 60_000);
    const clock = new Date(past.getTime() + 1_000);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const id = await newWorkspace();
      await expireSoon(id, past);
      ids.push(id);
    }
    const untouched = await newWorkspace();
    const results = await Promise.all([0, 1, 0, 1].map((w) => runAccessExpiry({ pool: workers[w]!.pool, domain: workers[w]!.domain, logger, batchSize: 5 }, clock)));
    expect(results.reduce((n, r) => n + r.expired, 0)).toBe(12);
    expect(results.reduce((n, r) => n + r.errors, 0)).toBe(0);
    for (const id of ids) {
      expect(await deactivations(id)).toEqual([{ reason: "expired", effective_at: past.toISOString() }]);
      expect(await stateOf(id)).toMatchObject({ state: "inactive", reason: "expired", version: 3, next_transition_at: null });
      const runs = await owner.query("select status from job_runs where handler = 'access-expiry' and operation_key = $1", [accessExpiryKey(id, 2)]);
      expect(runs.rows).toEqual([{ status: "succeeded" }]);
    }
    expect(await stateOf(untouched)).toMatchObject({ state: "active", version: 1 });
    // Later passes find nothing due.
    const again = await runAccessExpiry({ pool: workers[1]!.pool, domain: workers[1]!.domain, logger }, clock);
    expect(again).toMatchObject({ expired: 0, refreshed: 0, unchanged: 0 });
  });

  test("a worker that crashes mid-transaction leaves nothing behind; the next pass emits the event once", async ({ workers, owner, newWorkspace, expireSoon, deactivations, stateOf }) => {
    const id = await newWorkspace();
    const past = new Date(Date.now() + 60_000);
    const clock = new Date(past.getTime() + 1_000);
    await expireSoon(id, past);
    const crash = new Error("worker crashed before commit");
    let outcome = "";
    await expect(workers[0]!.domain.run(sys(id), async (op) => {
      outcome = (await runAccessTransition(op, clock)).outcome;
      throw crash;
    })).rejects.toBe(crash);
    expect(outcome).toBe("expired");
    expect(await deactivations(id)).toEqual([]);
    expect((await owner.query("select 1 from job_runs where operation_key = $1", [accessExpiryKey(id, 2)])).rowCount).toBe(0);
    expect(await stateOf(id)).toMatchObject({ state: "active", next_transition_at: past });

    const [a, b] = await Promise.all(workers.map((w) => runAccessExpiry({ pool: w.pool, domain: w.domain, logger }, clock)));
    expect(a!.expired + b!.expired).toBe(1);
    expect(await deactivations(id)).toEqual([{ reason: "expired", effective_at: past.toISOString() }]);
  });

  test("a future-dated lifecycle event takes effect when the job folds past its time", async ({ workers, newWorkspace, stateOf }) => {
    const id = await newWorkspace();
    const at = new Date(Date.now() + 60_000);
    await workers[0]!.domain.run(sys(id), (op) =>
      applyLifecycleEvent(op, { type: "access.deactivated", payload: { reason: "cancelled", effective_at: at.toISOString() } }));
    expect(await stateOf(id)).toMatchObject({ state: "active", next_transition_at: at });
    expect(await runAccessExpiry({ pool: workers[0]!.pool, domain: workers[0]!.domain, logger })).toMatchObject({ refreshed: 0, expired: 0 });
    const later = await runAccessExpiry({ pool: workers[1]!.pool, domain: workers[1]!.domain, logger }, new Date(at.getTime() + 1));
    expect(later).toMatchObject({ refreshed: 1 });
    expect(await stateOf(id)).toMatchObject({ state: "inactive", reason: "cancelled", next_transition_at: null });
  });
});
