import { randomUUID } from "node:crypto";
import { createPgPool } from "@spine/domain/reads";
import { createItem, createProject } from "@spine/domain";
import { pino } from "pino";
import { describe, expect } from "vitest";
import { runRetention } from "./retention.ts";
import { workerTest } from "./test-support/fixtures.ts";

async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** `workspaceId`: a workspace seeded as the owner; `worker`: the production handlers, four at a time (started with the workspace). */
const test = workerTest
  .override("workerOptions", { scope: "file" }, { concurrency: 4 })
  .extend("workspaceId", { scope: "file" }, async ({ seedWorkspace, worker }) => {
    const { workspaceId } = await seedWorkspace("W");
    void worker;
    return workspaceId;
  });

describe("worker", () => {
  test("relays domain events to usage-metering, which counts them once; the activity feed keeps only the API's row", async ({ workspaceId, domain, owner }) => {
    const ctx = { workspaceId, actorId: null, actorType: "system" as const, correlationId: `worker-test-${randomUUID()}` };
    const project = await domain.run(ctx, (op) => createProject(op, { name: "Roadmap" }));
    await domain.run(ctx, async (op) => {
      await createItem(op, { projectId: project.id, title: "First" });
      op.emit("project.updated", { project_id: project.id, changed_fields: ["name"] });
      op.emit("workspace.updated", { workspace_id: workspaceId, changed_fields: ["name"] });
    });

    await waitUntil(async () => {
      const { rows } = await owner.query<{ n: number }>("select count(*)::int as n from job_runs where handler = 'usage-metering' and status = 'succeeded'");
      return rows[0]?.n === 2;
    }, "usage-metering to apply project.created and item.created");
    await waitUntil(async () => {
      const { rows } = await owner.query<{ n: number }>("select count(*)::int as n from outbox where published_at is null");
      return rows[0]?.n === 0;
    }, "the outbox to drain");

    // One activity row per mutation, written by the API's transaction (v7 ids); the worker adds none.
    const feed = await owner.query<{ id: string; target_type: string; correlation_id: string }>(
      "select id::text, target_type, correlation_id from activity_logs where project_id = $1 order by id",
      [project.id],
    );
    expect(feed.rows.map((r) => r.target_type)).toEqual(["project", "item"]);
    expect(feed.rows.every((r) => r.id[14] === "7" && r.correlation_id === ctx.correlationId)).toBe(true);
    const month = await owner.query<{ metric: string; value: number }>(
      `select metric, value::int as value from usage_counters where workspace_id = $1 and "window" = 'month' order by metric`,
      [workspaceId],
    );
    expect(month.rows).toEqual([{ metric: "items", value: 1 }, { metric: "projects", value: 1 }]);
    const runs = await owner.query<{ handler: string; event_type: string; status: string }>(
      "select handler, event_type, status from job_runs order by event_type",
    );
    expect(runs.rows).toEqual([
      { handler: "usage-metering", event_type: "item.created", status: "succeeded" },
      { handler: "usage-metering", event_type: "project.created", status: "succeeded" },
    ]);
  });

  test("answers its health endpoint", async ({ worker }) => {
    const res = await fetch(`http://127.0.0.1:${worker.port}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, checks: { postgres: true, nats: true } });
  });

  test("retention deletes published outbox rows past the replay window and expired idempotency keys only", async ({ domain, owner, db }) => {
    const { rows: users } = await owner.query<{ id: string }>("select id from users limit 1");
    const userId = users[0]?.id;
    await owner.query(
      `insert into idempotency_keys (id, user_id, key, procedure, request_hash, expires_at) values
       (gen_random_uuid(), $1, 'old', 'p', 'h', now() - interval '1 minute'), (gen_random_uuid(), $1, 'new', 'p', 'h', now() + interval '1 hour')`,
      [userId],
    );
    await owner.query("update outbox set published_at = now() - interval '2 hours' where published_at is not null");
    const unpublishedBefore = await owner.query("select id from outbox where published_at is null");
    const system = createPgPool({ connectionString: db.systemUrl, max: 1 });
    try {
      const deleted = await runRetention({
        pool: system, domain, replayWindowMs: 3_600_000, rateLimitRetentionMs: 86_400_000, agentRunStaleAfterMs: 3_600_000, logger: pino({ level: "silent" }),
      });
      expect(deleted.errors).toEqual([]);
      expect(deleted.outbox).toBeGreaterThanOrEqual(4);
      expect(deleted.idempotencyKeys).toBe(1);
    } finally {
      await system.end();
    }
    const keys = await owner.query<{ key: string }>("select key from idempotency_keys");
    expect(keys.rows.map((r) => r.key)).toEqual(["new"]);
    const unpublishedAfter = await owner.query("select id from outbox where published_at is null");
    expect(unpublishedAfter.rowCount).toBe(unpublishedBefore.rowCount);
  });
});
