import { describe, expect, it } from "vitest";
import { createEnvelope } from "@spine/contracts";
import { newId } from "../../orm/ids.ts";
import { seedWorkspace, useTestDomain, userCtx } from "../../test-support/test-domain.ts";
import { foldAccessEvents, INITIAL_ACCESS, type AccessEnvelope } from "./access-fold.ts";
import { applyAccessEvent } from "./apply-access-event.ts";
import { DemoAccessState } from "./entities.ts";

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

/** A lifecycle: activated, changed twice (two at the same instant), deactivated, re-activated. */
function lifecycle(workspaceId: string): AccessEnvelope[] {
  const base = { workspaceId, actorId: null, correlationId: "billing" };
  return [
    createEnvelope({ ...base, type: "access.activated", payload: { plan: "trial", effective_at: "2026-11-01T00:00:00Z", expires_at: "2026-11-15T00:00:00Z" } }),
    createEnvelope({ ...base, type: "access.changed", payload: { plan: "pro", effective_at: "2026-11-05T00:00:00Z", expires_at: null } }),
    createEnvelope({ ...base, type: "access.changed", payload: { plan: "team", effective_at: "2026-11-05T00:00:00Z", expires_at: null } }),
    createEnvelope({ ...base, type: "access.deactivated", payload: { reason: "payment failed", effective_at: "2026-11-10T00:00:00Z" } }),
    createEnvelope({ ...base, type: "access.activated", payload: { plan: "pro", effective_at: "2026-11-12T00:00:00Z", expires_at: "2027-11-12T00:00:00Z" } }),
  ];
}

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

describe("access fold (pure)", () => {
  const events = lifecycle(newId());
  const inOrder = foldAccessEvents(events);

  it("applies a lifecycle in order", () => {
    expect(inOrder).toMatchObject({ state: "active", plan: "pro", reason: null, lastEventId: events[4]!.event_id });
    expect(inOrder.expiresAt?.toISOString()).toBe("2027-11-12T00:00:00.000Z");
  });

  it.each(SEEDS)("ends in the same state for shuffled, duplicated sequence #%i", (seed) => {
    expect(foldAccessEvents(shuffledWithDuplicates(events, seed))).toEqual(inOrder);
  });

  it("ignores a duplicate and an event older than the last applied", () => {
    const afterDeactivation = foldAccessEvents(events.slice(0, 4));
    expect(afterDeactivation).toMatchObject({ state: "inactive", plan: null, reason: "payment failed" });
    expect(foldAccessEvents([events[3]!, events[0]!, events[3]!], afterDeactivation)).toBe(afterDeactivation);
  });

  it("breaks a tie on effective_at by event id", () => {
    const [, a, b] = events;
    const expected = a!.event_id > b!.event_id ? "pro" : "team";
    expect(foldAccessEvents([a!, b!]).plan).toBe(expected);
    expect(foldAccessEvents([b!, a!]).plan).toBe(expected);
  });

  it("starts inactive", () => {
    expect(foldAccessEvents([])).toEqual(INITIAL_ACCESS);
  });
});

describe("access fold (persisted in demo_access_states)", () => {
  const t = useTestDomain("accessfold");

  it("replaying shuffled, duplicated deliveries into different workspaces yields identical rows", async () => {
    const states = [];
    for (const seed of SEEDS.slice(0, 5)) {
      const ws = await seedWorkspace(t.domain, `fold${seed}`);
      const events = lifecycle(ws.workspaceId);
      const applied = [];
      for (const env of shuffledWithDuplicates(events, seed)) {
        applied.push((await t.domain.run(userCtx(ws.workspaceId, ws.userId), (op) => applyAccessEvent(op, env))).applied);
      }
      const row = await t.domain.run(userCtx(ws.workspaceId, ws.userId), (op) => op.em.findOneOrFail(DemoAccessState, {}));
      expect(row.lastEventId).toBe(events[4]!.event_id);
      expect(applied.filter(Boolean).length).toBeLessThanOrEqual(events.length);
      states.push({ state: row.state, plan: row.plan, reason: row.reason, expiresAt: row.expiresAt, effectiveAt: row.effectiveAt });
    }
    for (const state of states) expect(state).toEqual(states[0]);
    expect(states[0]).toMatchObject({ state: "active", plan: "pro", reason: null });
  });

  it("concurrent deliveries of one lifecycle, the very first included, converge on the same state", async () => {
    const ws = await seedWorkspace(t.domain, "foldrace");
    const events = lifecycle(ws.workspaceId);
    await Promise.all(shuffledWithDuplicates(events, 7).map((env) => t.domain.run(userCtx(ws.workspaceId, ws.userId), (op) => applyAccessEvent(op, env))));
    const row = await t.domain.run(userCtx(ws.workspaceId, ws.userId), (op) => op.em.findOneOrFail(DemoAccessState, {}));
    expect({ plan: row.plan, state: row.state, last: row.lastEventId }).toEqual({ plan: "pro", state: "active", last: events[4]!.event_id });
  });

  it("refuses an event of another workspace", async () => {
    const ws = await seedWorkspace(t.domain, "foldother");
    const foreign = lifecycle(newId())[0]!;
    await expect(t.domain.run(userCtx(ws.workspaceId, ws.userId), (op) => applyAccessEvent(op, foreign))).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
