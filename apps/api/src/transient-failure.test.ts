import { randomUUID } from "node:crypto";
import { createSpineClient } from "@spine/client";
import pg from "pg";
import { describe, expect } from "vitest";
import { hostTest } from "./test-support/fixtures.ts";
import type { Harness } from "./test-support/api-harness.ts";

/**
 * `workspaceId`: a workspace of `owner`; `terminatedWhileWaiting(call)`: hold `projects` locked, let `call` block on it,
 * terminate the API's backend that waits (as a failover or `pg_terminate_backend` would), then release the lock.
 */
const test = hostTest
  .extend("workspaceId", { scope: "file" }, async ({ owner }) => (await owner.client.workspace.create.mutate({ name: "T" })).workspace.id)
  .extend("terminatedWhileWaiting", { scope: "file" }, async ({ h }, { onCleanup }) => {
    const admin = new pg.Client({ connectionString: h.db.ownerUrl });
    await admin.connect();
    onCleanup(() => admin.end());
    return async <T>(call: () => Promise<T>): Promise<T> => {
      await admin.query("begin");
      await admin.query("lock table projects in access exclusive mode");
      const pending = call();
      void pending.catch(() => undefined);
      for (;;) {
        const { rows } = await admin.query<{ pid: number }>(
          "select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()",
        );
        if (rows[0]) {
          await admin.query("select pg_terminate_backend($1)", [rows[0].pid]);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await admin.query("commit");
      return pending;
    };
  });

const projectCount = async (h: Harness, name: string) =>
  Number((await h.sql.query<{ n: string }>("select count(*)::text as n from projects where name = $1", [name])).rows[0]?.n);

describe("a transient database failure", () => {
  test("answers 503 with Retry-After and appCode UNAVAILABLE, writes nothing, and the same key then succeeds once", async ({ h, owner, workspaceId, terminatedWhileWaiting }) => {
    const key = randomUUID();
    const create = () =>
      h.raw("project.create", { type: "mutation", input: { workspaceId, name: "terminated" }, token: owner.session.accessToken, headers: { "idempotency-key": key } });
    const failed = await terminatedWhileWaiting(create);
    expect(failed.status).toBe(503);
    expect(failed.headers.get("retry-after")).toBe("1");
    expect(failed.body.error?.data).toMatchObject({ code: "SERVICE_UNAVAILABLE", appCode: "UNAVAILABLE" });
    expect(failed.body.error?.message).not.toMatch(/terminat/i);
    expect(await projectCount(h, "terminated")).toBe(0);

    const retried = await create();
    expect(retried.status).toBe(200);
    expect(await projectCount(h, "terminated")).toBe(1);
  });

  test("the typed client sends an Idempotency-Key on a mutation and retries its 503 with it: one write", async ({ h, owner, workspaceId, terminatedWhileWaiting }) => {
    const client = createSpineClient({ url: h.api.trpcUrl, token: owner.session.accessToken, maxRetryDelayMs: 50 });
    const project = await terminatedWhileWaiting(() => client.project.create.mutate({ workspaceId, name: "client-retried" }));
    expect(project.name).toBe("client-retried");
    expect(await projectCount(h, "client-retried")).toBe(1);
    const { rows } = await h.sql.query<{ n: string }>("select count(*)::text as n from idempotency_keys where procedure = 'project.create'");
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
  });

  test("the typed client does not retry a call without an Idempotency-Key (a query)", async ({ h, owner, workspaceId, terminatedWhileWaiting }) => {
    const client = createSpineClient({ url: h.api.trpcUrl, token: owner.session.accessToken, maxRetryDelayMs: 50 });
    const failure = await terminatedWhileWaiting(() => client.project.list.query({ workspaceId })).then(
      () => null,
      (err: unknown) => err as { data?: { httpStatus?: number; appCode?: string } },
    );
    expect(failure?.data).toMatchObject({ httpStatus: 503, appCode: "UNAVAILABLE" });
  });
});
