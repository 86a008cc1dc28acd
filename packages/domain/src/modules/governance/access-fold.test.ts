import { describe, expect } from "vitest";
import { createEnvelope } from "@spine/contracts";
import { newId } from "../../shared/ids.ts";
import type { Domain } from "../../runtime/domain.ts";
import { dbTest } from "../../test-support/fixtures.ts";
import { seedWorkspace, userCtx } from "../../test-support/test-domain.ts";
import { Workspace } from "../identity/entities.ts";
import { queueAgentRun } from "../knowledge/queue-agent-run.ts";
import { AgentThread } from "../knowledge/entities.ts";
import { foldAccessHistory, historyEventOf, INITIAL_ACCESS, type AccessEnvelope } from "./access-fold.ts";
import { applyLifecycleEvent, rebuildAccessState, recordAccessEvent, refreshAccessState } from "./apply-lifecycle-event.ts";
import { DemoAccessState, UsagePolicy } from "./entities.ts";
import { PLAN_TIER_DEFAULTS } from "./plan-tiers.ts";

/** Deterministic pseudo-random numbers, so a failing order can be reproduced from its seed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffledWithDuplicates<T>(items: readonly T[], seed: number): T[] {
  const rand = mulberry32(seed);
  const out = [...items, ...items.filter(() => rand() < 0.5)];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const base = (workspaceId: string) => ({ workspaceId, actorId: null, correlationId: "billing" });

/** A lifecycle: activated, changed twice (two at the same instant), deactivated, re-activated. */
function lifecycle(workspaceId: string): AccessEnvelope[] {
  const b = base(workspaceId);
  return [
    createEnvelope({ ...b, type: "access.activated", payload: { plan: "trial", effective_at: "2026-11-01T00:00:00Z", expires_at: "2026-11-15T00:00:00Z" } }),
    createEnvelope({ ...b, type: "access.changed", payload: { plan: "pro", effective_at: "2026-11-05T00:00:00Z", expires_at: null } }),
    createEnvelope({ ...b, type: "access.changed", payload: { plan: "enterprise", effective_at: "2026-11-05T00:00:00Z", expires_at: null } }),
    createEnvelope({ ...b, type: "access.deactivated", payload: { reason: "payment failed", effective_at: "2026-11-10T00:00:00Z" } }),
    createEnvelope({ ...b, type: "access.activated", payload: { plan: "pro", effective_at: "2026-11-12T00:00:00Z", expires_at: "2027-11-12T00:00:00Z" } }),
  ];
}

const test = dbTest;

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const AFTER_ALL = new Date("2026-11-20T00:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

describe("access fold (pure)", () => {
  const events = lifecycle(newId()).map(historyEventOf);
  const inOrder = foldAccessHistory(events, AFTER_ALL);

  test("applies a lifecycle in effective_at order", () => {
    expect(inOrder).toMatchObject({ state: "active", plan: "pro", reason: null, lastEventId: events[4]!.id, version: 5 });
    expect(inOrder.expiresAt?.toISOString()).toBe("2027-11-12T00:00:00.000Z");
    expect(inOrder.nextTransitionAt?.toISOString()).toBe("2027-11-12T00:00:00.000Z");
  });

  test.for(SEEDS)("ends in the same state for shuffled, duplicated sequence #%i", (seed) => {
    expect(foldAccessHistory(shuffledWithDuplicates(events, seed), AFTER_ALL)).toEqual(inOrder);
  });

  test("a deactivation keeps the plan it ended on; a change does not re-activate", () => {
    const ended = foldAccessHistory(events.slice(0, 4), AFTER_ALL);
    expect(ended).toMatchObject({ state: "inactive", reason: "payment failed", expiresAt: null, nextTransitionAt: null });
    const changed = foldAccessHistory([...events.slice(0, 4), historyEventOf(createEnvelope({
      ...base(newId()), type: "access.changed", payload: { plan: "free", effective_at: "2026-11-11T00:00:00Z", expires_at: null },
    }))], AFTER_ALL);
    expect(changed).toMatchObject({ state: "inactive", plan: "free" });
  });

  test("a future-dated event is kept for later and takes effect when its time comes, not before", () => {
    const asOf = new Date("2026-11-03T00:00:00Z");
    const early = foldAccessHistory(events, asOf);
    expect(early).toMatchObject({ state: "active", plan: "trial", version: 1 });
    expect(early.nextTransitionAt?.toISOString()).toBe("2026-11-05T00:00:00.000Z");
    expect(foldAccessHistory(events, new Date("2026-11-05T00:00:00Z")).version).toBe(3);
  });

  test("an activation dated 30 days ahead does not swallow a deactivation sent today", () => {
    const ws = newId();
    const today = new Date("2026-12-01T00:00:00Z");
    const activated = historyEventOf(createEnvelope({ ...base(ws), type: "access.activated", payload: { plan: "free", effective_at: "2026-11-01T00:00:00Z", expires_at: null } }));
    const ahead = historyEventOf(createEnvelope({ ...base(ws), type: "access.activated", payload: { plan: "pro", effective_at: "2026-12-31T00:00:00Z", expires_at: null } }));
    const todayOff = historyEventOf(createEnvelope({ ...base(ws), type: "access.deactivated", payload: { reason: "cancelled", effective_at: today.toISOString() } }));
    expect(foldAccessHistory([activated, ahead, todayOff], today)).toMatchObject({ state: "inactive", reason: "cancelled" });
    expect(foldAccessHistory([activated, ahead, todayOff], new Date("2026-12-31T00:00:00Z"))).toMatchObject({ state: "active", plan: "pro" });
  });

  test("a late event with an earlier effective_at is placed where it belongs", () => {
    const [a, , , d, e] = events;
    const lateChange = historyEventOf(createEnvelope({ ...base(newId()), type: "access.changed", payload: { plan: "free", effective_at: "2026-11-11T00:00:00Z", expires_at: null } }));
    // Arrives after the re-activation of 11-12 but sits between the deactivation and it: the re-activation still wins.
    expect(foldAccessHistory([a!, d!, e!, lateChange], AFTER_ALL)).toMatchObject({ state: "active", plan: "pro", version: 4 });
  });

  test("breaks a tie on effective_at by event id", () => {
    const [, a, b] = events;
    const expected = a!.id < b!.id ? b!.payload : a!.payload;
    expect(foldAccessHistory([a!, b!], AFTER_ALL).plan).toBe((expected as { plan: string }).plan);
    expect(foldAccessHistory([b!, a!], AFTER_ALL).plan).toBe((expected as { plan: string }).plan);
  });

  test("starts inactive", () => {
    expect(foldAccessHistory([], AFTER_ALL)).toEqual(INITIAL_ACCESS);
  });
});

describe("access fold (persisted: access_events → demo_access_states, plan_tier, plan defaults)", () => {
  const stateOf = (domain: Domain, ws: { workspaceId: string; userId: string }) =>
    domain.run(userCtx(ws.workspaceId, ws.userId), (op) => op.em.findOneOrFail(DemoAccessState, {}));

  test("replaying shuffled, duplicated deliveries into different workspaces yields identical rows, equal to the rebuild", async ({ domain }) => {
    const states = [];
    for (const seed of SEEDS.slice(0, 4)) {
      const ws = await seedWorkspace(domain, `fold${seed}`, { access: false });
      const events = lifecycle(ws.workspaceId);
      const recorded = [];
      for (const env of shuffledWithDuplicates(events, seed)) {
        recorded.push((await domain.run(userCtx(ws.workspaceId, ws.userId), (op) => recordAccessEvent(op, env, AFTER_ALL))).recorded);
      }
      expect(recorded.filter(Boolean)).toHaveLength(events.length);
      const row = await stateOf(domain, ws);
      expect(row.lastEventId).toBe(events[4]!.event_id);
      const check = await domain.run(userCtx(ws.workspaceId, ws.userId), (op) => rebuildAccessState(op, { check: true, now: AFTER_ALL }));
      expect(check).toMatchObject({ equal: true, written: false, events: 5 });
      states.push({ state: row.state, plan: row.plan, reason: row.reason, expiresAt: row.expiresAt, effectiveAt: row.effectiveAt, version: row.version });
    }
    for (const state of states) expect(state).toEqual(states[0]);
    expect(states[0]).toMatchObject({ state: "active", plan: "pro", reason: null, version: 5 });
  });

  test("concurrent deliveries of one lifecycle, the very first included, converge on the same state", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "foldrace", { access: false });
    const events = lifecycle(ws.workspaceId);
    await Promise.all(shuffledWithDuplicates(events, 7).map((env) => domain.run(userCtx(ws.workspaceId, ws.userId), (op) => recordAccessEvent(op, env, AFTER_ALL))));
    const row = await stateOf(domain, ws);
    expect({ plan: row.plan, state: row.state, last: row.lastEventId, version: row.version }).toEqual({ plan: "pro", state: "active", last: events[4]!.event_id, version: 5 });
  });

  test("a future-dated change is stored, not applied, until a fold past its time (the expiry job's refresh)", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "future");
    const now = new Date();
    const later = new Date(now.getTime() + 30 * DAY);
    const run = <T>(fn: Parameters<typeof domain.run<T>>[1]) => domain.run(userCtx(ws.workspaceId, ws.userId), fn);
    await run((op) => applyLifecycleEvent(op, { type: "access.changed", payload: { plan: "pro", effective_at: later.toISOString(), expires_at: null } }, now));
    expect(await stateOf(domain, ws)).toMatchObject({ plan: "free", version: 1, nextTransitionAt: later });
    await run((op) => applyLifecycleEvent(op, { type: "access.deactivated", payload: { reason: "cancelled", effective_at: now.toISOString() } }, now));
    expect(await stateOf(domain, ws)).toMatchObject({ state: "inactive", reason: "cancelled", version: 2, nextTransitionAt: later });
    const refreshed = await run((op) => refreshAccessState(op, later));
    expect(refreshed.changed).toBe(true);
    expect(await stateOf(domain, ws)).toMatchObject({ state: "inactive", plan: "pro", version: 3, nextTransitionAt: null });
  });

  test("the plan writes workspaces.plan_tier; the tier's default usage policies and AI retention follow it", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "tier");
    const run = <T>(fn: Parameters<typeof domain.run<T>>[1]) => domain.run(userCtx(ws.workspaceId, ws.userId), fn);
    const policies = () => run(async (op) => (await op.em.find(UsagePolicy, {}, { orderBy: { metric: "asc", window: "asc" } }))
      .map((p) => ({ metric: p.metric, window: p.window, limit: p.limitValue, action: p.action, source: p.source })));
    const expected = (tier: "free" | "pro" | "enterprise") => [...PLAN_TIER_DEFAULTS[tier].usageLimits]
      .sort((a, b) => a.metric.localeCompare(b.metric) || a.window.localeCompare(b.window)).map((d) => ({ ...d, source: "plan" }));
    expect(await run(async (op) => (await op.em.findOneOrFail(Workspace, { id: ws.workspaceId })).planTier)).toBe("free");
    expect(await policies()).toEqual(expected("free"));

    // The workspace's own limit survives plan changes; plan defaults are replaced.
    await run(async (op) => {
      const own = await op.em.findOneOrFail(UsagePolicy, { metric: "agent_runs", window: "day" });
      own.limitValue = 7;
      own.source = "workspace";
      await op.em.flush();
    });
    await run((op) => applyLifecycleEvent(op, { type: "access.changed", payload: { plan: "pro", effective_at: new Date().toISOString(), expires_at: null } }));
    expect(await run(async (op) => (await op.em.findOneOrFail(Workspace, { id: ws.workspaceId })).planTier)).toBe("pro");
    expect(await policies()).toEqual(expected("pro").map((p) => (p.metric === "agent_runs" && p.window === "day" ? { ...p, limit: 7, source: "workspace" } : p)));

    const runRetention = await run(async (op) => {
      const thread = op.em.create(AgentThread, { id: newId(), workspaceId: ws.workspaceId, title: "t" });
      await op.em.flush();
      const queued = await queueAgentRun(op, { threadId: thread.id, model: "stub", input: {} });
      return Math.round((queued.retainUntil!.getTime() - queued.createdAt.getTime()) / DAY);
    });
    expect(runRetention).toBe(PLAN_TIER_DEFAULTS.pro.agentRunRetentionDays);

    await run((op) => applyLifecycleEvent(op, { type: "access.changed", payload: { plan: "enterprise", effective_at: new Date().toISOString(), expires_at: null } }));
    expect(await policies()).toEqual([{ metric: "agent_runs", window: "day", limit: 7, action: "block", source: "workspace" }]);
  });

  test("rebuild --check reports a stored row that differs from the history; rebuild repairs it", async ({ domain, ownerSql }) => {
    const ws = await seedWorkspace(domain, "drift");
    await ownerSql.query("update demo_access_states set plan = 'enterprise' where workspace_id = $1", [ws.workspaceId]);
    const run = <T>(fn: Parameters<typeof domain.run<T>>[1]) => domain.run(userCtx(ws.workspaceId, ws.userId), fn);
    const check = await run((op) => rebuildAccessState(op, { check: true }));
    expect(check).toMatchObject({ equal: false, written: false, events: 1, stored: { plan: "enterprise" }, rebuilt: { plan: "free" } });
    expect(await run((op) => rebuildAccessState(op, { check: false }))).toMatchObject({ equal: false, written: true });
    expect(await run((op) => rebuildAccessState(op, { check: true }))).toMatchObject({ equal: true });
  });

  test("refuses an event of another workspace", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "foldother");
    const foreign = lifecycle(newId())[0]!;
    await expect(domain.run(userCtx(ws.workspaceId, ws.userId), (op) => recordAccessEvent(op, foreign))).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
