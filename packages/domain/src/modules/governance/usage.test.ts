import { describe, expect } from "vitest";
import type { Domain } from "../../runtime/domain.ts";
import { dbTest as test } from "../../test-support/fixtures.ts";
import type pg from "pg";
import { parseEnvelope } from "@spine/contracts";
import { seedWorkspace, userCtx, type SeededWorkspace } from "../../test-support/test-domain.ts";
import { clearUsagePolicy } from "./clear-usage-policy.ts";
import { incrementUsage } from "./increment-usage.ts";
import { setUsagePolicy } from "./set-usage-policy.ts";
import { windowStart } from "./usage-window.ts";

async function limitEvents(ownerSql: pg.Client, workspaceId: string) {
  const { rows } = await ownerSql.query<{ envelope: unknown }>(
    "select envelope from outbox where workspace_id = $1 and event_type = 'usage.limit_reached' order by id",
    [workspaceId],
  );
  return rows.flatMap((r) => {
    const env = parseEnvelope(r.envelope);
    return env.event_type === "usage.limit_reached" ? [env.payload] : [];
  });
}

const AT = new Date("2026-11-28T10:00:00Z");
const increment = (domain: Domain, ws: SeededWorkspace, amount = 1, at = AT) =>
  domain.run(userCtx(ws.workspaceId, ws.userId), (op) => incrementUsage(op, { metric: "api_calls", amount, at }));

describe("usage windows", () => {
  test("start at UTC midnight and the first of the month", () => {
    expect(windowStart("day", new Date("2026-11-28T23:59:59.999Z")).toISOString()).toBe("2026-11-28T00:00:00.000Z");
    expect(windowStart("month", new Date("2026-11-28T10:00:00Z")).toISOString()).toBe("2026-11-01T00:00:00.000Z");
  });
});

describe("usage counters", () => {
  test("count in every window, with or without a policy", async ({ domain, ownerSql }) => {
    const ws = await seedWorkspace(domain, "count");
    await increment(domain, ws, 2);
    const states = await increment(domain, ws, 3);
    expect(states.map((s) => [s.window, s.value, s.limit, s.limitReached])).toEqual([["day", 5, null, false], ["month", 5, null, false]]);
    expect(await limitEvents(ownerSql, ws.workspaceId)).toEqual([]);
  });

  test("announce usage.limit_reached exactly once per window when the limit is crossed", async ({ domain, ownerSql }) => {
    const ws = await seedWorkspace(domain, "limit");
    await domain.run(userCtx(ws.workspaceId, ws.userId), (op) => setUsagePolicy(op, { metric: "api_calls", window: "day", limit: 3 }));
    const reached = [];
    for (let i = 0; i < 5; i++) reached.push((await increment(domain, ws))[0]!.limitReached);
    expect(reached).toEqual([false, false, true, true, true]);
    expect(await limitEvents(ownerSql, ws.workspaceId)).toEqual([
      { metric: "api_calls", limit: 3, value: 3, window: "day", window_start: "2026-11-28T00:00:00.000Z" },
    ]);
    await increment(domain, ws, 1, new Date("2026-11-29T01:00:00Z"));
    await increment(domain, ws, 5, new Date("2026-11-29T02:00:00Z"));
    expect((await limitEvents(ownerSql, ws.workspaceId)).map((p) => [p.window_start, p.value])).toEqual([
      ["2026-11-28T00:00:00.000Z", 3],
      ["2026-11-29T00:00:00.000Z", 6],
    ]);
  });

  test("lose no increment and announce once under concurrent increments", async ({ domain, ownerSql }) => {
    const ws = await seedWorkspace(domain, "race");
    await domain.run(userCtx(ws.workspaceId, ws.userId), (op) => setUsagePolicy(op, { metric: "api_calls", window: "month", limit: 10 }));
    await Promise.all(Array.from({ length: 25 }, () => increment(domain, ws)));
    const { rows } = await ownerSql.query(`select "window", value::int from usage_counters where workspace_id = $1 order by 1`, [ws.workspaceId]);
    expect(rows).toEqual([{ window: "day", value: 25 }, { window: "month", value: 25 }]);
    const events = await limitEvents(ownerSql, ws.workspaceId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ window: "month", limit: 10 });
  });

  test("a policy cleared stops limiting; a policy lowered below the count announces on the next increment", async ({ domain, ownerSql }) => {
    const ws = await seedWorkspace(domain, "policy");
    await increment(domain, ws, 4);
    await domain.run(userCtx(ws.workspaceId, ws.userId), (op) => setUsagePolicy(op, { metric: "api_calls", window: "day", limit: 2 }));
    expect((await increment(domain, ws))[0]).toMatchObject({ value: 5, limit: 2, limitReached: true });
    expect(await limitEvents(ownerSql, ws.workspaceId)).toHaveLength(1);
    await domain.run(userCtx(ws.workspaceId, ws.userId), (op) => clearUsagePolicy(op, { metric: "api_calls", window: "day" }));
    expect((await increment(domain, ws))[0]).toMatchObject({ value: 6, limit: null, limitReached: false });
    await expect(
      domain.run(userCtx(ws.workspaceId, ws.userId), (op) => clearUsagePolicy(op, { metric: "api_calls", window: "day" })),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("reject a non-positive amount and a negative limit", async ({ domain }) => {
    const ws = await seedWorkspace(domain, "bad");
    await expect(increment(domain, ws, 0)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      domain.run(userCtx(ws.workspaceId, ws.userId), (op) => setUsagePolicy(op, { metric: "m", window: "day", limit: -1 })),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
