import { jetstream } from "@nats-io/jetstream";
import { busTest } from "./test-support/bus-fixtures.ts";
import { pino } from "pino";
import { describe, expect } from "vitest";
import type { DeadLetterRow } from "@spine/domain";
import { effectCounts, effectsHandler } from "./test-support/effects-table.ts";
import { projectCreated } from "./test-support/outbox-events.ts";
import { waitUntil } from "./test-support/wait-until.ts";
import { ConsumerRunner, type ConsumerRunnerOptions, ensureEventsStream, publishEnvelope, replayDeadLetters } from "@spine/bus";
import { deadLetterStore, defineWorkerHandler, jobLedger, type WorkerOperation } from "../wiring.ts";

type Options = ConsumerRunnerOptions<WorkerOperation>;

// File-scoped, on top of busTest (`domain` with a pool of 10, `owner`, `workspaceIds` five seeded workspaces with
// the effects table): `names` the file's NATS names, with its events stream in place; `js`; and the helpers
// `runner`, `publishProjects`, `deadLetters`.
const it = busTest
  .extend("names", { scope: "file" }, async ({ jsm, natsNames }) => {
    await ensureEventsStream(jsm, { name: natsNames.stream, prefix: natsNames.prefix });
    return natsNames;
  })
  .extend("js", { scope: "file" }, ({ nats }) => jetstream(nats))
  .extend("runner", { scope: "file" }, ({ js, jsm, domain, names }) =>
    (options: Pick<Options, "handler"> & Partial<Options>): ConsumerRunner<WorkerOperation> =>
      new ConsumerRunner<WorkerOperation>({
        js, jsm, ledger: jobLedger(domain), stream: names.stream, prefix: names.prefix, logger: pino({ level: "silent" }),
        ackWaitMs: 5_000, idleHeartbeatMs: 1_000, expiresMs: 5_000, ...options,
      }))
  .extend("publishProjects", { scope: "file" }, ({ js, names }) => async (workspaceId: string, count: number, name = "P"): Promise<string[]> => {
    const envs = Array.from({ length: count }, () => projectCreated(workspaceId, name));
    await Promise.all(envs.map((e) => publishEnvelope(js, e, { prefix: names.prefix })));
    return envs.map((e) => e.event_id);
  })
  .extend("deadLetters", { scope: "file" }, ({ owner }) => async (handler: string): Promise<DeadLetterRow[]> => {
    const { rows } = await owner.query<DeadLetterRow>("select * from dead_letter_jobs where handler = $1 order by created_at", [handler]);
    return rows;
  });

describe("consumer runner", () => {
  it("applies each event once, in its workspace, and records job_runs", async ({ owner, workspaceIds, names, runner, publishProjects }) => {
    // First test on a fresh stream: the handler may take every subject.
    const handler = effectsHandler(`apply_${names.suffix}`, "*.project.created");
    const r = runner({ handler, concurrency: 4 });
    r.start();
    const ids = [...(await publishProjects(workspaceIds[0] ?? "", 20)), ...(await publishProjects(workspaceIds[1] ?? "", 20))];
    await waitUntil(async () => (await effectCounts(owner, handler.name)).rows >= 40, "40 effects");
    await r.stop();
    expect(await effectCounts(owner, handler.name)).toEqual({ rows: 40, distinct: 40 });
    const runs = await owner.query<{ status: string; n: number; ws: number }>(
      `select status, count(*)::int as n, count(distinct workspace_id)::int as ws from job_runs
       where handler = $1 and event_id = any($2::uuid[]) group by status`,
      [handler.name, ids],
    );
    expect(runs.rows).toEqual([{ status: "succeeded", n: 40, ws: 2 }]);
    const misplaced = await owner.query(
      `select 1 from bus_test_effects e join job_runs j on j.event_id = e.event_id and j.handler = e.handler
       where e.handler = $1 and e.workspace_id <> j.workspace_id`,
      [handler.name],
    );
    expect(misplaced.rowCount).toBe(0);
  });

  it("an invalid envelope is dead-lettered and terminated; the loop goes on", async ({ owner, workspaceIds, names, js, runner, publishProjects, deadLetters }) => {
    const handler = effectsHandler(`invalid_${names.suffix}`, `${workspaceIds[2]}.>`);
    const r = runner({ handler });
    r.start();
    await js.publish(`${names.prefix}.${workspaceIds[2]}.project.created`, "{not json");
    await js.publish(`${names.prefix}.${workspaceIds[2]}.project.created`, JSON.stringify({ ...projectCreated(workspaceIds[2] ?? ""), event_id: "nope" }));
    const good = await publishProjects(workspaceIds[2] ?? "", 3);
    await waitUntil(async () => (await effectCounts(owner, handler.name)).rows >= 3, "the valid events behind the invalid ones");
    const dead = await waitUntil(async () => {
      const rows = await deadLetters(handler.name);
      return rows.length >= 2 && rows;
    }, "two dead letters");
    await r.stop();
    expect(dead).toHaveLength(2);
    expect(dead.map((d) => d.error).join(" ")).toContain("event_id");
    expect(dead.every((d) => d.status === "dead" && d.attempts === 1)).toBe(true);
    expect((await effectCounts(owner, handler.name)).distinct).toBe(good.length);
  });

  it("a poison message: max attempts with backoff, one dead letter, others flow; after the fix, replay applies once", async ({
    domain, owner, workspaceIds, names, runner, publishProjects, deadLetters,
  }) => {
    let broken = true;
    const attempts: number[] = [];
    const appliedDuringRetries: string[] = [];
    const name = `poison_${names.suffix}`;
    const handler = defineWorkerHandler({
      name,
      eventTypes: ["project.created"],
      subjectFilter: `${workspaceIds[3]}.>`,
      async handle(envelope, { op }) {
        if (envelope.payload.name === "poison") {
          attempts.push(Date.now());
          if (broken) throw new Error("cannot apply poison yet");
        } else if (attempts.length > 0 && attempts.length < 3) {
          // Between the poison's first and last attempt: the loop did not wait for it.
          appliedDuringRetries.push(envelope.event_id);
        }
        await op.em.execute("insert into bus_test_effects (workspace_id, event_id, handler) values (spine_current_workspace(), ?, ?)", [
          envelope.event_id,
          name,
        ]);
      },
    });
    const backoffMs = [400, 800];
    const r = runner({ handler, concurrency: 1, maxAttempts: 3, backoffMs });
    r.start();
    const [poisonId] = await publishProjects(workspaceIds[3] ?? "", 1, "poison");
    const behind = await publishProjects(workspaceIds[3] ?? "", 10);
    const [dead] = await waitUntil(async () => {
      const rows = await deadLetters(name);
      return rows.length > 0 && rows;
    }, "the dead letter");
    await waitUntil(async () => (await effectCounts(owner, name)).rows >= behind.length, "the messages behind the poison");
    await r.stop();

    expect(attempts).toHaveLength(3);
    expect((attempts[1] ?? 0) - (attempts[0] ?? 0)).toBeGreaterThanOrEqual((backoffMs[0] ?? 0) * 0.9);
    expect((attempts[2] ?? 0) - (attempts[1] ?? 0)).toBeGreaterThanOrEqual((backoffMs[1] ?? 0) * 0.9);
    expect(appliedDuringRetries.length).toBeGreaterThan(0);
    expect(await deadLetters(name)).toHaveLength(1);
    expect(dead).toMatchObject({ event_id: poisonId, attempts: 3, error: "cannot apply poison yet", status: "dead" });
    const job = await owner.query("select status, attempts, last_error from job_runs where handler = $1 and event_id = $2", [name, poisonId]);
    expect(job.rows[0]).toEqual({ status: "dead", attempts: 3, last_error: "cannot apply poison yet" });

    broken = false;
    const replay = { deadLetters: deadLetterStore(domain, "replay-test"), ledger: jobLedger(domain), handlers: [handler] };
    expect(await replayDeadLetters(replay, { handler: name })).toEqual([{ id: dead?.id, outcome: "applied" }]);
    expect(await replayDeadLetters(replay, { handler: name })).toEqual([]);
    expect(await replayDeadLetters(replay, { id: dead?.id ?? "" })).toEqual([{ id: dead?.id, outcome: "duplicate" }]);
    const poisonEffects = await owner.query("select 1 from bus_test_effects where handler = $1 and event_id = $2", [name, poisonId]);
    expect(poisonEffects.rowCount).toBe(1);
    const after = await deadLetters(name);
    expect(after[0]).toMatchObject({ status: "replayed", replay_attempts: 1, replay_error: null });
    expect(after[0]?.replayed_at).toBeInstanceOf(Date);
  });

  it("the watchdog re-creates a consumer deleted under it", async ({ owner, workspaceIds, names, jsm, runner, publishProjects }) => {
    const handler = effectsHandler(`watchdog_${names.suffix}`, `${workspaceIds[4]}.>`);
    const r = runner({ handler });
    r.start();
    await publishProjects(workspaceIds[4] ?? "", 2);
    await waitUntil(async () => (await effectCounts(owner, handler.name)).rows >= 2, "first effects");
    await jsm.consumers.delete(names.stream, handler.name);
    const restartsBefore = r.restarts;
    await waitUntil(async () => r.restarts > restartsBefore, "the consume loop to restart");
    await publishProjects(workspaceIds[4] ?? "", 2);
    await waitUntil(async () => (await effectCounts(owner, handler.name)).rows >= 4, "effects after re-creation");
    await r.stop();
    // Re-created with deliver-all, the consumer sees the first two again: job_runs turns them into no-ops.
    expect(await effectCounts(owner, handler.name)).toEqual({ rows: 4, distinct: 4 });
  });
});
