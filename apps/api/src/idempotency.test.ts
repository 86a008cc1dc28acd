import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Actor, type Harness } from "./test-support/api-harness.ts";
import { createWorkspaceFixture, type WorkspaceFixture } from "@spine/api/test-support";

let h: Harness;
let owner: Actor;
let f: WorkspaceFixture;
beforeAll(async () => {
  h = await startHarness("idempotency");
  owner = await h.signUp("owner");
  f = await createWorkspaceFixture(h, owner, "I");
});
afterAll(async () => h?.close());

const create = (key: string, name: string, token = owner.session.accessToken, workspaceId = f.workspaceId) =>
  h.raw("project.create", { type: "mutation", input: { workspaceId, name }, token, headers: { "idempotency-key": key } });
const projectCount = async (name: string) =>
  Number((await h.sql.query<{ n: string }>("select count(*)::text as n from projects where name = $1", [name])).rows[0]?.n);
const eventCount = async (name: string) =>
  Number((await h.sql.query<{ n: string }>("select count(*)::text as n from outbox where envelope->'payload'->>'name' = $1", [name])).rows[0]?.n);

describe("Idempotency-Key", () => {
  it("replays the first result for the same key and input, with one row and one event", async () => {
    const key = randomUUID();
    const first = await create(key, "once");
    const second = await create(key, "once");
    expect(second.status).toBe(200);
    expect(second.body.result?.data).toEqual(first.body.result?.data);
    expect(await projectCount("once")).toBe(1);
    expect(await eventCount("once")).toBe(1);
  });

  it("replays the same result to concurrent duplicates", async () => {
    const key = randomUUID();
    const results = await Promise.all([create(key, "racing"), create(key, "racing"), create(key, "racing")]);
    const ids = new Set(results.map((r) => (r.body.result?.data as { id: string } | undefined)?.id));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(ids.size).toBe(1);
    expect(await projectCount("racing")).toBe(1);
  });

  it("answers CONFLICT for the same key with other input or another procedure, changing nothing", async () => {
    const key = randomUUID();
    await create(key, "original");
    const before = await h.fingerprint();
    const other = await create(key, "different");
    expect(other.body.error?.data).toMatchObject({ code: "CONFLICT", issues: [{ path: "idempotency-key" }] });
    const otherProc = await h.raw("item.create", {
      type: "mutation", token: owner.session.accessToken, headers: { "idempotency-key": key },
      input: { workspaceId: f.workspaceId, projectId: f.projectId, title: "t" },
    });
    expect(otherProc.body.error?.data.code).toBe("CONFLICT");
    expect(await h.fingerprint()).toEqual(before);
  });

  it("refuses an HTTP batch, so one key can never cover several calls", async () => {
    const before = await h.fingerprint();
    const input = { workspaceId: f.workspaceId, name: "batched" };
    const batch = async (headers: Record<string, string>) => {
      const res = await fetch(`${h.api.trpcUrl}/project.create,project.create?batch=1`, {
        method: "POST",
        headers: { ...headers, authorization: `Bearer ${owner.session.accessToken}`, "content-type": "application/json" },
        body: JSON.stringify({ 0: input, 1: input }),
      });
      return { status: res.status, text: await res.text() };
    };
    for (const headers of [{ "idempotency-key": randomUUID() }, {} as Record<string, string>]) {
      const res = await batch(headers);
      expect(res.status).toBe(400);
      expect(res.text).toContain("BAD_REQUEST");
      expect(res.text).toMatch(/[Bb]atching/);
    }
    expect(await projectCount("batched")).toBe(0);
    expect(await h.fingerprint()).toEqual(before);
  });

  it("scopes keys to the caller", async () => {
    const key = randomUUID();
    const other = await h.signUp("other");
    const { workspace } = await other.client.workspace.create.mutate({ name: "Other" });
    await create(key, "scoped");
    const theirs = await create(key, "scoped", other.session.accessToken, workspace.id);
    expect(theirs.status).toBe(200);
    expect(await projectCount("scoped")).toBe(2);
  });

  it("does not keep a key whose call failed", async () => {
    const key = randomUUID();
    const failed = await h.raw("project.update", {
      type: "mutation", token: owner.session.accessToken, headers: { "idempotency-key": key },
      input: { workspaceId: f.workspaceId, projectId: "01900000-0000-7000-8000-000000000000", name: "x" },
    });
    expect(failed.body.error?.data.code).toBe("NOT_FOUND");
    expect((await create(key, "after-failure")).status).toBe(200);
  });

  it("forgets a key after it expires", async () => {
    const key = randomUUID();
    const first = await create(key, "expiring");
    const { rows } = await h.sql.query<{ ttl: number }>(
      "select extract(epoch from expires_at - created_at)::int as ttl from idempotency_keys where key = $1", [key],
    );
    expect(rows[0]?.ttl).toBe(24 * 60 * 60);
    await h.sql.query("update idempotency_keys set expires_at = now() - interval '1 second' where key = $1", [key]);
    const again = await create(key, "expiring-2");
    expect(again.status).toBe(200);
    expect((again.body.result?.data as { id: string }).id).not.toBe((first.body.result?.data as { id: string }).id);
    const replay = await create(key, "expiring-2");
    expect(replay.body.result?.data).toEqual(again.body.result?.data);
  });

  it("is carried by the typed client through context", async () => {
    const key = randomUUID();
    const a = await owner.client.project.create.mutate({ workspaceId: f.workspaceId, name: "via-client" }, { context: { idempotencyKey: key } });
    const b = await owner.client.project.create.mutate({ workspaceId: f.workspaceId, name: "via-client" }, { context: { idempotencyKey: key } });
    expect(b).toEqual(a);
  });
});
