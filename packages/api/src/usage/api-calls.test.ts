import { describe, expect } from "vitest";
import type { ApiHarness } from "../test-support/api-harness.ts";
import { apiTest } from "../test-support/fixtures.ts";

// Issue 11, point 1: the `api_calls` usage metric. Every successful authenticated call on a workspace
// counts once; under a block policy the call is counted by an atomic conditional upsert in its own
// transaction and refused past the limit; without a policy nothing is written on the request path and
// the calls are counted by the process's buffered flush. The flush interval here is an hour, so the
// test decides when buffered counts are written (`api.apiCalls.flush()`).
const test = apiTest.override("apiOptions", { scope: "file" }, { apiCalls: { flushIntervalMs: 3_600_000 } });

async function apiCallCounters(sql: ApiHarness["sql"], workspaceId: string) {
  const { rows } = await sql.query<{ window: string; value: string; limit_reached: boolean }>(
    `select "window", value::text as value, limit_reached_at is not null as limit_reached from usage_counters
      where workspace_id = $1 and metric = 'api_calls' order by "window"`,
    [workspaceId],
  );
  return rows.map((r) => [r.window, Number(r.value), r.limit_reached]);
}
const listProjects = (api: ApiHarness, workspaceId: string, token: string) =>
  api.raw("project.list", { type: "query", input: { workspaceId }, token });

describe("api_calls", () => {
  test("a block policy of N lets exactly N of many concurrent calls through, refuses the rest with USAGE_LIMIT_REACHED (429), and announces once", async ({ api, owner }) => {
    const ws = (await owner.client.workspace.create.mutate({ name: "Limited" })).workspace.id;
    await api.apiCalls.flush();
    const LIMIT = 7;
    // usage.* calls are neither counted nor limited (an owner can always lift a limit).
    await owner.client.usage.setPolicy.mutate({ workspaceId: ws, metric: "api_calls", window: "day", limit: LIMIT });
    const answers = await Promise.all(Array.from({ length: 30 }, () => listProjects(api, ws, owner.session.accessToken)));
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    expect(ok).toHaveLength(LIMIT);
    expect(refused.map((a) => [a.status, a.body.error?.data.appCode])).toEqual(Array.from({ length: 30 - LIMIT }, () => [429, "USAGE_LIMIT_REACHED"]));
    expect((refused[0]?.body.error?.data as { details?: unknown } | undefined)?.details).toMatchObject({ metric: "api_calls", limit: LIMIT, window: "day", resetsAt: expect.any(String) as unknown });
    // Mutations are refused too, and write nothing.
    const create = await api.raw("project.create", { type: "mutation", input: { workspaceId: ws, name: "nope" }, token: owner.session.accessToken });
    expect([create.status, create.body.error?.data.appCode]).toEqual([429, "USAGE_LIMIT_REACHED"]);
    expect((await api.sql.query("select 1 from projects where workspace_id = $1", [ws])).rowCount).toBe(0);

    // The day window (with the policy) was counted in the calls' transactions; the month window
    // (no policy) counts the same successful calls once the buffer is written.
    expect(await apiCallCounters(api.sql, ws)).toEqual([["day", LIMIT, true]]);
    await api.apiCalls.flush();
    expect(await apiCallCounters(api.sql, ws)).toEqual([["day", LIMIT, true], ["month", LIMIT, false]]);
    const reached = await api.sql.query<{ payload: Record<string, unknown> }>(
      "select envelope->'payload' as payload from outbox where workspace_id = $1 and event_type = 'usage.limit_reached'", [ws],
    );
    expect(reached.rows.map((r) => r.payload)).toEqual([expect.objectContaining({ metric: "api_calls", limit: LIMIT, value: LIMIT, window: "day" })]);
    const counters = await owner.client.usage.listCounters.query({ workspaceId: ws });
    expect(counters.filter((c) => c.metric === "api_calls").map((c) => [c.window, c.value, c.limit, c.limitReached])).toEqual([
      ["day", LIMIT, LIMIT, true], ["month", LIMIT, null, false],
    ]);

    // Clearing the policy (through this process) applies at once.
    await owner.client.usage.clearPolicy.mutate({ workspaceId: ws, metric: "api_calls", window: "day" });
    expect((await listProjects(api, ws, owner.session.accessToken)).status).toBe(200);
  });

  test("without a policy, calls take no counter lock on the request path and are counted by the buffered flush", async ({ api, owner }) => {
    const ws = (await owner.client.workspace.create.mutate({ name: "Free" })).workspace.id;
    await api.apiCalls.flush();
    const answers = await Promise.all(Array.from({ length: 12 }, () => listProjects(api, ws, owner.session.accessToken)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect((await api.raw("project.create", { type: "mutation", input: { workspaceId: ws, name: "p" }, token: owner.session.accessToken })).status).toBe(200);
    // Nothing written while the calls ran.
    expect(await apiCallCounters(api.sql, ws)).toEqual([]);
    // A refused call (not a member) is not counted, and spends nothing of the workspace's.
    const stranger = await api.signUp("stranger");
    expect((await listProjects(api, ws, stranger.session.accessToken)).status).toBe(404);
    await api.apiCalls.flush();
    expect(await apiCallCounters(api.sql, ws)).toEqual([["day", 13, false], ["month", 13, false]]);
    await api.apiCalls.flush();
    expect(await apiCallCounters(api.sql, ws)).toEqual([["day", 13, false], ["month", 13, false]]);
  });
});
