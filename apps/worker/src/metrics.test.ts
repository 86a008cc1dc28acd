import { randomUUID } from "node:crypto";
import { createProject } from "@spine/domain";
import { outboxBacklog } from "@spine/domain/reads";
import { sampleValue, scrapeMetrics, type Sample } from "@spine/metrics";
import { describe, expect } from "vitest";
import { WORKER_HANDLERS, type WorkerHandler } from "./handlers/index.ts";
import { defineWorkerHandler } from "./wiring.ts";
import { workerTest } from "./test-support/fixtures.ts";

// The worker's admin port after real traffic: events written through the domain, relayed to
// JetStream, applied by usage-metering, and failed by a handler that always throws (retries, dead letter).
const alwaysFails = defineWorkerHandler({
  name: "always-fails",
  eventTypes: ["project.created"],
  async handle() {
    throw new Error("this handler always fails");
  },
});

/**
 * `workspaceId`: a workspace seeded as the owner; `worker`: polls the outbox every 200 ms, two attempts, with
 * `alwaysFails` besides the production handlers (started by the first test that asks);
 * `waitFor(what, check)`: scrapes the worker's admin port until `check` holds.
 */
const test = workerTest
  .extend("workspaceId", { scope: "file" }, async ({ seedWorkspace }) => (await seedWorkspace("W")).workspaceId)
  .extend("waitFor", { scope: "file" }, ({ worker }) => async (what: string, check: (s: Sample[]) => boolean): Promise<Sample[]> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const samples = await scrapeMetrics(`http://127.0.0.1:${worker.port}`);
      if (check(samples)) return samples;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  })
  .override("workerHandlers", { scope: "file" }, [...WORKER_HANDLERS, alwaysFails as WorkerHandler])
  .override("workerOptions", { scope: "file" }, { relayPollMs: 200, concurrency: 2, maxAttempts: 2 });

describe("worker metrics", () => {
  test("the relay lag reads the unpublished outbox rows and the age of the oldest", async ({ workspaceId, domain, owner }) => {
    const ctx = { workspaceId, actorId: null, actorType: "system" as const, correlationId: `wm-${randomUUID()}` };
    await domain.run(ctx, (op) => createProject(op, { name: "Before the worker" }));
    await owner.query("update outbox set created_at = now() - interval '90 seconds'");
    const lag = await outboxBacklog(owner);
    expect(lag.rows).toBe(1);
    expect(lag.oldestAgeSeconds).toBeGreaterThanOrEqual(90);
  });

  test("publishes, applies, retries and dead-letters, and each moves its series on the admin port", async ({ workspaceId, domain, owner, waitFor }) => {
    const ctx = { workspaceId, actorId: null, actorType: "system" as const, correlationId: `wm-${randomUUID()}` };
    await domain.run(ctx, (op) => createProject(op, { name: "With the worker" }));

    // Two project.created events: both published, both applied by usage-metering; each failed twice by always-fails.
    const samples = await waitFor("the dead letters", (s) => sampleValue(s, "spine_consumer_dead_letters_total", { handler: "always-fails" }) === 2);
    expect(sampleValue(samples, "spine_relay_published_total", { app: "worker" })).toBe(2);
    expect(sampleValue(samples, "spine_consumer_messages_total", { handler: "usage-metering", outcome: "applied" })).toBe(2);
    expect(sampleValue(samples, "spine_consumer_retries_total", { handler: "always-fails" })).toBe(2);
    expect(sampleValue(samples, "spine_consumer_dead_letters_total", { handler: "usage-metering" })).toBe(0);
    expect(sampleValue(samples, "spine_outbox_backlog_rows")).toBe(0);
    expect(sampleValue(samples, "spine_outbox_backlog_age_seconds")).toBe(0);
    // Consumer lag per durable: both durables exist and have nothing left to deliver.
    const pending = samples.filter((s) => s.name === "spine_consumer_pending_messages").map((s) => [s.labels.durable, s.value]);
    expect(Object.fromEntries(pending)).toEqual({ "usage-metering": 0, "always-fails": 0 });
    const { rows } = await owner.query<{ n: number }>("select count(*)::int as n from dead_letter_jobs where handler = 'always-fails'");
    expect(rows[0]?.n).toBe(2);
  });
});
