import { describe, expect } from "vitest";
import { appRouter } from "../root.ts";
import { apiTest } from "../test-support/fixtures.ts";
import { OPERATOR_PROCEDURES, UNSCOPED_PROCEDURES, WORKSPACE_PROCEDURES } from "../test-support/procedure-table.ts";
import { createWorkspaceFixture } from "../test-support/workspace-fixture.ts";

// `owner` (alice) owns `workspace` (A); bob owns B.
const test = apiTest.extend("b", { scope: "file" }, async ({ api, workspace }) => {
  void workspace; // A is created first, as the caller's only workspace.
  return createWorkspaceFixture(api, await api.signUp("bob"), "B");
});

const idKeys = (input: Record<string, unknown>) => Object.keys(input).filter((k) => k.endsWith("Id") && k !== "workspaceId");

describe("cross-tenant matrix", () => {
  test("covers every workspace-scoped procedure of the router", () => {
    const all = Object.keys(appRouter._def.procedures as Record<string, unknown>);
    const covered = [...WORKSPACE_PROCEDURES.map((p) => p.path), ...UNSCOPED_PROCEDURES, ...OPERATOR_PROCEDURES.map((p) => p.path)];
    expect(all.filter((p) => !covered.includes(p))).toEqual([]);
  });

  test("a member of A using B's workspace or B's ids gets NOT_FOUND or FORBIDDEN and changes nothing", async ({ api, owner: alice, workspace: a, b }) => {
    const calls: { label: string; path: string; type: "query" | "mutation"; input: Record<string, unknown> }[] = [];
    for (const proc of WORKSPACE_PROCEDURES) {
      const input = await proc.input(b, null);
      calls.push({ label: `${proc.path} in B`, path: proc.path, type: proc.type, input });
      if (idKeys(input).length > 0) {
        calls.push({ label: `${proc.path} in A with B's ${idKeys(input).join(",")}`, path: proc.path, type: proc.type, input: { ...input, workspaceId: a.workspaceId } });
      }
    }
    const before = await api.fingerprint();
    const outcomes: Record<string, string> = {};
    for (const call of calls) {
      const res = await api.raw(call.path, { type: call.type, input: call.input, token: alice.session.accessToken });
      outcomes[call.label] = res.body.error?.data.code ?? `OK ${res.status}`;
    }
    for (const [label, code] of Object.entries(outcomes)) {
      expect.soft(["NOT_FOUND", "FORBIDDEN"], label).toContain(code);
    }
    expect(await api.fingerprint()).toEqual(before);
    expect(calls.length).toBeGreaterThan(WORKSPACE_PROCEDURES.length + 15);
  });

  test("lists only the caller's workspaces", async ({ owner: alice, workspace: a }) => {
    const mine = await alice.client.workspace.listMine.query();
    expect(mine.map((m) => m.workspace.id)).toEqual([a.workspaceId]);
    expect(mine[0]?.role.key).toBe("owner");
  });
});
