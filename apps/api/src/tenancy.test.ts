import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "@spine/api";
import { startHarness, type Actor, type Harness } from "./test-support/api-harness.ts";
import { UNSCOPED_PROCEDURES, WORKSPACE_PROCEDURES } from "./test-support/procedure-table.ts";
import { createWorkspaceFixture, type WorkspaceFixture } from "./test-support/workspace-fixture.ts";

let h: Harness;
let alice: Actor;
let a: WorkspaceFixture;
let b: WorkspaceFixture;
beforeAll(async () => {
  h = await startHarness("tenancy");
  alice = await h.signUp("alice");
  a = await createWorkspaceFixture(h, alice, "A");
  b = await createWorkspaceFixture(h, await h.signUp("bob"), "B");
});
afterAll(async () => h?.close());

const idKeys = (input: Record<string, unknown>) => Object.keys(input).filter((k) => k.endsWith("Id") && k !== "workspaceId");

describe("cross-tenant matrix", () => {
  it("covers every workspace-scoped procedure of the router", () => {
    const all = Object.keys(appRouter._def.procedures as Record<string, unknown>);
    const covered = [...WORKSPACE_PROCEDURES.map((p) => p.path), ...UNSCOPED_PROCEDURES];
    expect(all.filter((p) => !covered.includes(p))).toEqual([]);
  });

  it("a member of A using B's workspace or B's ids gets NOT_FOUND or FORBIDDEN and changes nothing", async () => {
    const calls: { label: string; path: string; type: "query" | "mutation"; input: Record<string, unknown> }[] = [];
    for (const proc of WORKSPACE_PROCEDURES) {
      const input = await proc.input(b, null);
      calls.push({ label: `${proc.path} in B`, path: proc.path, type: proc.type, input });
      if (idKeys(input).length > 0) {
        calls.push({ label: `${proc.path} in A with B's ${idKeys(input).join(",")}`, path: proc.path, type: proc.type, input: { ...input, workspaceId: a.workspaceId } });
      }
    }
    const before = await h.fingerprint();
    const outcomes: Record<string, string> = {};
    for (const call of calls) {
      const res = await h.raw(call.path, { type: call.type, input: call.input, token: alice.session.accessToken });
      outcomes[call.label] = res.body.error?.data.code ?? `OK ${res.status}`;
    }
    for (const [label, code] of Object.entries(outcomes)) {
      expect.soft(["NOT_FOUND", "FORBIDDEN"], label).toContain(code);
    }
    expect(await h.fingerprint()).toEqual(before);
    expect(calls.length).toBeGreaterThan(WORKSPACE_PROCEDURES.length + 15);
  });

  it("lists only the caller's workspaces", async () => {
    const mine = await alice.client.workspace.listMine.query();
    expect(mine.map((m) => m.workspace.id)).toEqual([a.workspaceId]);
    expect(mine[0]?.role.key).toBe("owner");
  });
});
