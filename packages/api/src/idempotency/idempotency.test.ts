import { randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { apiTest } from "../test-support/fixtures.ts";

// Idempotency-Key on mutations, through the router in-process (the HTTP batch refusal is a host test, in apps/api).
const test = apiTest.extend("idem", { scope: "file" }, ({ api, owner, workspace }) => {
  const count = async (sql: string, name: string) => Number((await api.sql.query<{ n: string }>(sql, [name])).rows[0]?.n);
  return {
    create: (key: string, name: string, token = owner.session.accessToken, workspaceId = workspace.workspaceId) =>
      api.raw("project.create", { type: "mutation", input: { workspaceId, name }, token, headers: { "idempotency-key": key } }),
    projectCount: (name: string) => count("select count(*)::text as n from projects where name = $1", name),
    eventCount: (name: string) => count("select count(*)::text as n from outbox where envelope->'payload'->>'name' = $1", name),
  };
});

describe("Idempotency-Key", () => {
  test("replays the first result for the same key and input, with one row and one event", async ({ idem: { create, projectCount, eventCount } }) => {
    const key = randomUUID();
    const first = await create(key, "once");
    const second = await create(key, "once");
    expect(second.status).toBe(200);
    expect(second.body.result?.data).toEqual(first.body.result?.data);
    expect(await projectCount("once")).toBe(1);
    expect(await eventCount("once")).toBe(1);
  });

  test("replays the same result to concurrent duplicates", async ({ idem: { create, projectCount } }) => {
    const key = randomUUID();
    const results = await Promise.all([create(key, "racing"), create(key, "racing"), create(key, "racing")]);
    const ids = new Set(results.map((r) => (r.body.result?.data as { id: string } | undefined)?.id));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(ids.size).toBe(1);
    expect(await projectCount("racing")).toBe(1);
  });

  test("answers CONFLICT for the same key with other input or another procedure, changing nothing", async ({ api, owner, workspace: f, idem: { create } }) => {
    const key = randomUUID();
    await create(key, "original");
    const before = await api.fingerprint();
    const other = await create(key, "different");
    expect(other.body.error?.data).toMatchObject({ code: "CONFLICT", issues: [{ path: "idempotency-key" }] });
    const otherProc = await api.raw("item.create", {
      type: "mutation", token: owner.session.accessToken, headers: { "idempotency-key": key },
      input: { workspaceId: f.workspaceId, projectId: f.projectId, title: "t" },
    });
    expect(otherProc.body.error?.data.code).toBe("CONFLICT");
    expect(await api.fingerprint()).toEqual(before);
  });

  test("scopes keys to the caller", async ({ api, idem: { create, projectCount } }) => {
    const key = randomUUID();
    const other = await api.signUp("other");
    const { workspace } = await other.client.workspace.create.mutate({ name: "Other" });
    await create(key, "scoped");
    const theirs = await create(key, "scoped", other.session.accessToken, workspace.id);
    expect(theirs.status).toBe(200);
    expect(await projectCount("scoped")).toBe(2);
  });

  test("does not keep a key whose call failed", async ({ api, owner, workspace: f, idem: { create } }) => {
    const key = randomUUID();
    const failed = await api.raw("project.update", {
      type: "mutation", token: owner.session.accessToken, headers: { "idempotency-key": key },
      input: { workspaceId: f.workspaceId, projectId: "01900000-0000-7000-8000-000000000000", name: "x" },
    });
    expect(failed.body.error?.data.code).toBe("NOT_FOUND");
    expect((await create(key, "after-failure")).status).toBe(200);
  });

  test("forgets a key after it expires", async ({ api, idem: { create } }) => {
    const key = randomUUID();
    const first = await create(key, "expiring");
    const { rows } = await api.sql.query<{ ttl: number }>(
      "select extract(epoch from expires_at - created_at)::int as ttl from idempotency_keys where key = $1", [key],
    );
    expect(rows[0]?.ttl).toBe(24 * 60 * 60);
    await api.sql.query("update idempotency_keys set expires_at = now() - interval '1 second' where key = $1", [key]);
    const again = await create(key, "expiring-2");
    expect(again.status).toBe(200);
    expect((again.body.result?.data as { id: string }).id).not.toBe((first.body.result?.data as { id: string }).id);
    const replay = await create(key, "expiring-2");
    expect(replay.body.result?.data).toEqual(again.body.result?.data);
  });

  test("is carried by the typed client through context", async ({ owner, workspace: f }) => {
    const key = randomUUID();
    const a = await owner.client.project.create.mutate({ workspaceId: f.workspaceId, name: "via-client" }, { context: { idempotencyKey: key } });
    const b = await owner.client.project.create.mutate({ workspaceId: f.workspaceId, name: "via-client" }, { context: { idempotencyKey: key } });
    expect(b).toEqual(a);
  });
});
