import { spawn } from "node:child_process";
import { userInfo } from "node:os";
import { randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connectNats, ensureEventsStream, publishEnvelope } from "@spine/bus";
import { createEnvelope } from "@spine/contracts";
import { activateNewWorkspace, createItem, createProject, Domain } from "@spine/domain";
import { TEST_NATS_URL } from "@spine/testing";
import { describe, expect } from "vitest";
import { workerTest } from "./test-support/fixtures.ts";

const appRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Run `spine <args>` as one node process with the given environment (and nothing else). */
function spine(args: string[], env: Record<string, string>) {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { cwd: appRoot, env, stdio: ["ignore", "pipe", "pipe"] });
  const out: string[] = [];
  let buffer = "";
  proc.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    out.push(...lines);
  });
  let err = "";
  proc.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  return { proc, out, stderr: () => err, exited };
}

async function waitUntil(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * `nc`: a NATS connection (closed) with the events stream of `natsNames` ensured; `names`: those names, the stream
 * ensured; `workspaceId`: a workspace seeded as the owner; `systemAudits(action)`: system audit rows of one operator
 * action, as the owner sees them.
 */
const test = workerTest
  .extend("nc", { scope: "file" }, async ({ natsNames }, { onCleanup }): Promise<NatsConnection> => {
    const nc = await connectNats({ servers: TEST_NATS_URL, name: "cli-test" });
    onCleanup(() => nc.close());
    await ensureEventsStream(await jetstreamManager(nc), { name: natsNames.stream, prefix: natsNames.prefix });
    return nc;
  })
  .extend("names", { scope: "file" }, ({ natsNames, nc }) => {
    void nc;
    return natsNames;
  })
  .extend("workspaceId", { scope: "file" }, async ({ seedWorkspace }) => (await seedWorkspace("C")).workspaceId)
  .extend("systemAudits", { scope: "file" }, ({ owner }) => async (action: string) => {
    const { rows } = await owner.query(
      "select actor_id, actor_type, actor_name, action, target_type, target_id, details from system_audit_logs where action = $1 order by occurred_at, id",
      [action],
    );
    return rows as Array<Record<string, unknown>>;
  });

describe("pnpm spine", () => {
  test("events tail prints envelopes live from a subject pattern", async ({ names, nc, workspaceId }) => {
    const tail = spine(["events", "tail", `${names.prefix}.*.project.>`], { NATS_URL: TEST_NATS_URL, SPINE_SUBJECT_PREFIX: names.prefix });
    const js = jetstream(nc);
    const project = createEnvelope({
      type: "project.created", payload: { project_id: randomUUID(), name: "Tail" }, workspaceId, actorId: null, correlationId: "cli-tail",
    });
    const item = createEnvelope({
      type: "item.created", payload: { item_id: randomUUID(), project_id: randomUUID(), title: "x" }, workspaceId, actorId: null,
      correlationId: "cli-tail",
    });
    // The subscription starts asynchronously: publish until the tail has printed one.
    await waitUntil(async () => {
      await publishEnvelope(js, item, { prefix: names.prefix });
      await publishEnvelope(js, project, { prefix: names.prefix });
      return tail.out.length > 0;
    }, "the tail to print");
    tail.proc.kill("SIGTERM");
    expect(await tail.exited).toBe(0);
    const printed = tail.out.map((l) => JSON.parse(l) as { subject: string; envelope: { event_id: string } });
    expect(printed[0]).toMatchObject({ subject: `${names.prefix}.${workspaceId}.project.created`, envelope: { event_id: project.event_id } });
    expect(printed.every((p) => p.envelope.event_id === project.event_id)).toBe(true);
  });

  test("dlq list and dlq replay re-run a dead-lettered usage-metering job once", async ({ workspaceId, systemAudits, owner, db }) => {
    const envelope = createEnvelope({
      type: "project.created", payload: { project_id: randomUUID(), name: "Replayed" }, workspaceId, actorId: null, correlationId: "cli-dlq",
    });
    const id = randomUUID();
    await owner.query(
      `insert into dead_letter_jobs (id, workspace_id, handler, event_id, event_type, subject, envelope, error, attempts)
       values ($1, $2, 'usage-metering', $3, 'project.created', $4, $5, 'boom', 5)`,
      [id, workspaceId, envelope.event_id, `evt.${workspaceId}.project.created`, JSON.stringify(envelope)],
    );
    const env = { DATABASE_URL: db.ownerUrl, NATS_URL: TEST_NATS_URL };

    const list = spine(["dlq", "list", "--handler", "usage-metering"], env);
    expect(await list.exited, list.stderr()).toBe(0);
    expect(list.out.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual([id]);

    const first = spine(["dlq", "replay", id, "--actor", "alice@ops"], env);
    expect(await first.exited, first.stderr()).toBe(0);
    expect(JSON.parse(first.out[0] ?? "{}")).toEqual({ id, outcome: "applied" });
    const again = spine(["dlq", "replay", id], env);
    expect(await again.exited, again.stderr()).toBe(0);
    expect(JSON.parse(again.out[0] ?? "{}")).toEqual({ id, outcome: "duplicate" });

    const counted = await owner.query<{ window: string; value: number }>(
      `select "window", value::int as value from usage_counters where workspace_id = $1 and metric = 'projects' order by 1`,
      [workspaceId],
    );
    expect(counted.rows).toEqual([{ window: "day", value: 1 }, { window: "month", value: 1 }]);
    const dead = await owner.query<{ status: string; replay_attempts: number }>("select status, replay_attempts from dead_letter_jobs where id = $1", [id]);
    expect(dead.rows[0]).toEqual({ status: "replayed", replay_attempts: 1 });
    // Each replay is in the system audit trail, naming the operator (--actor, else the OS user).
    expect(await systemAudits("dlq.replay")).toEqual([
      { actor_id: null, actor_type: "system", actor_name: "alice@ops", action: "dlq.replay", target_type: "dead_letter_job", target_id: id, details: { jobs: 1, outcomes: { applied: 1 } } },
      { actor_id: null, actor_type: "system", actor_name: userInfo().username, action: "dlq.replay", target_type: "dead_letter_job", target_id: id, details: { jobs: 1, outcomes: { duplicate: 1 } } },
    ]);
  }, 180_000);

  test("refuses a usage error with exit code 2", async ({ db }) => {
    const bad = spine(["outbox", "republish"], { NATS_URL: TEST_NATS_URL, DATABASE_URL: db.ownerUrl });
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toContain("--since");
    const yearZero = spine(["outbox", "republish", "--since", "0000-01-01T00:00:00Z", "--force"], { NATS_URL: TEST_NATS_URL, DATABASE_URL: db.ownerUrl });
    expect(await yearZero.exited).toBe(2);
    expect(yearZero.stderr()).toContain("--since must be between the years 1900 and 9999");
  });

  test("purge hard-deletes a record and its dependents as a system actor, with one audit row", async ({ workspaceId, systemAudits, owner, db }) => {
    const domain = await Domain.create({ clientUrl: db.appUrl, poolMax: 1 });
    const ctx = { workspaceId, actorId: null, actorType: "system" as const, correlationId: "cli-purge-seed" };
    const project = await domain
      .run(ctx, async (op) => {
        const created = await createProject(op, { name: "Purged" });
        await createItem(op, { projectId: created.id, title: "Goes too" });
        return created;
      })
      .finally(() => domain.close());
    const env = { DATABASE_URL: db.ownerUrl, NATS_URL: TEST_NATS_URL };

    const usage = spine(["purge", "workspace", project.id, "--workspace", workspaceId], env);
    expect(await usage.exited).toBe(2);
    expect(usage.stderr()).toContain("usage: spine purge");
    const elsewhere = spine(["purge", "project", project.id, "--workspace", randomUUID()], env);
    expect(await elsewhere.exited).toBe(1);
    expect(elsewhere.stderr()).toContain("not found");

    const purged = spine(["purge", "project", project.id, "--workspace", workspaceId], env);
    expect(await purged.exited, purged.stderr()).toBe(0);
    const result = JSON.parse(purged.out[0] ?? "{}") as { correlation_id: string };
    expect(result).toEqual({
      target: "project", id: project.id, workspace_id: workspaceId, correlation_id: expect.stringMatching(/^cli-purge-/) as string,
      deleted: { document_chunks: 0, documents: 0, items: 1, projects: 1 },
    });
    expect((await owner.query("select 1 from projects where id = $1", [project.id])).rowCount).toBe(0);
    expect((await owner.query("select 1 from items where project_id = $1", [project.id])).rowCount).toBe(0);
    const audits = await owner.query(
      "select workspace_id, actor_id, actor_type, action, target_type, target_id, correlation_id from audit_logs where target_id = $1 and action like '%.purged'",
      [project.id],
    );
    expect(audits.rows).toEqual([{
      workspace_id: workspaceId, actor_id: null, actor_type: "system", action: "project.purged", target_type: "project", target_id: project.id,
      correlation_id: result.correlation_id,
    }]);

    expect(await systemAudits("record.purge")).toEqual([{
      actor_id: null, actor_type: "system", actor_name: userInfo().username, action: "record.purge", target_type: "project", target_id: project.id,
      details: { workspace_id: workspaceId },
    }]);

    const again = spine(["purge", "project", project.id, "--workspace", workspaceId], env);
    expect(await again.exited).toBe(1);
    expect(again.stderr()).toContain("not found");
  }, 180_000);

  test("canonicalises operator-typed ids: an upper-case subject pattern still tails, purge keys and audits the lower-case id", async ({ names, nc, workspaceId, systemAudits, db }) => {
    const upperWs = workspaceId.toUpperCase();
    const tail = spine(["events", "tail", `${names.prefix}.${upperWs}.project.>`], { NATS_URL: TEST_NATS_URL, SPINE_SUBJECT_PREFIX: names.prefix });
    const project = createEnvelope({
      type: "project.created", payload: { project_id: randomUUID(), name: "Upper" }, workspaceId, actorId: null, correlationId: "cli-upper",
    });
    await waitUntil(async () => {
      await publishEnvelope(jetstream(nc), project, { prefix: names.prefix });
      return tail.out.length > 0;
    }, "the upper-case tail to print");
    tail.proc.kill("SIGTERM");
    expect(await tail.exited).toBe(0);
    expect(JSON.parse(tail.out[0] ?? "{}")).toMatchObject({ subject: `${names.prefix}.${workspaceId}.project.created` });

    const domain = await Domain.create({ clientUrl: db.appUrl, poolMax: 1 });
    const created = await domain
      .run({ workspaceId, actorId: null, actorType: "system", correlationId: "cli-upper-seed" }, (op) => createProject(op, { name: "Upper purge" }))
      .finally(() => domain.close());
    const purged = spine(["purge", "project", created.id.toUpperCase(), "--workspace", upperWs, "--actor", "casey"], { DATABASE_URL: db.ownerUrl, NATS_URL: TEST_NATS_URL });
    expect(await purged.exited, purged.stderr()).toBe(0);
    expect(JSON.parse(purged.out[0] ?? "{}")).toMatchObject({ id: created.id, workspace_id: workspaceId });
    const audit = (await systemAudits("record.purge")).filter((r) => r.actor_name === "casey");
    expect(audit).toMatchObject([{ target_id: created.id, details: { workspace_id: workspaceId } }]);
  }, 180_000);

  test("audit verify walks a workspace's hash chain and names the row a superuser edited", async ({ owner, db }) => {
    const ws = randomUUID();
    const { rows: users } = await owner.query<{ id: string }>("select id from users limit 1");
    await owner.query("insert into workspaces (id, name, slug, created_by) values ($1, 'A', $2, $3)", [ws, `a-${ws}`, users[0]?.id]);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) {
      await owner.query(
        "insert into audit_logs (id, workspace_id, actor_type, action, target_type, correlation_id) values ($1, $2, 'system', 'test.cli', 'thing', 'cli-audit')",
        [id, ws],
      );
    }
    const env = { DATABASE_URL: db.ownerUrl, NATS_URL: TEST_NATS_URL };
    const clean = spine(["audit", "verify", "--workspace", ws.toUpperCase()], env);
    expect(await clean.exited, clean.stderr()).toBe(0);
    expect(JSON.parse(clean.out[0] ?? "{}")).toEqual({ chains: 1, rows: 3, problems: [] });

    await owner.query("update audit_logs set action = 'test.forged' where id = $1", [ids[1]]);
    const tampered = spine(["audit", "verify", "--workspace", ws], env);
    expect(await tampered.exited).toBe(1);
    expect(JSON.parse(tampered.out[0] ?? "{}")).toMatchObject({ problems: [{ chain: `ws:${ws}`, kind: "edited", rowId: ids[1], seq: 2 }] });
    expect(tampered.stderr()).toContain(ids[1]);
  }, 120_000);

  test("outbox republish refuses a time range without --force", async ({ names, systemAudits, owner, db }) => {
    const env = { NATS_URL: TEST_NATS_URL, DATABASE_URL: db.ownerUrl, SPINE_SUBJECT_PREFIX: names.prefix };
    const range = spine(["outbox", "republish", "--since", new Date(Date.now() - 60_000).toISOString()], env);
    expect(await range.exited).toBe(2);
    expect(range.stderr()).toContain("--force");
    // No relay runs here: rows other tests committed are unpublished, and republish leaves them to the relay.
    const since = new Date(Date.now() - 10 * 60_000);
    const pending = await owner.query<{ n: number }>("select count(*)::int as n from outbox where published_at is null and created_at >= $1", [since]);
    const forced = spine(["outbox", "republish", "--since", since.toISOString(), "--force", "--actor", "bob"], env);
    expect(await forced.exited, forced.stderr()).toBe(0);
    expect(JSON.parse(forced.out[0] ?? "{}")).toEqual({ published: 0, duplicates: 0, skipped: 0, unpublished: pending.rows[0]?.n });
    const stillPending = await owner.query("select 1 from outbox where published_at is null and created_at >= $1", [since]);
    expect(stillPending.rowCount).toBe(pending.rows[0]?.n);
    expect(await systemAudits("outbox.republish")).toMatchObject([{ actor_type: "system", actor_name: "bob", target_type: "outbox", details: { since: since.toISOString() } }]);
  });
  test("access rebuild --check proves the stored access state equals the fold of its history; rebuild repairs a drifted row", async ({ workspaceId, systemAudits, owner, db }) => {
    const domain = await Domain.create({ clientUrl: db.appUrl, poolMax: 1 });
    await domain.run({ workspaceId, actorId: null, actorType: "system", correlationId: "cli-access-seed" }, (op) => activateNewWorkspace(op))
      .finally(() => domain.close());
    const env = { DATABASE_URL: db.ownerUrl, NATS_URL: TEST_NATS_URL };
    const run = async (args: string[]) => {
      const p = spine(["access", "rebuild", "--workspace", workspaceId, ...args], env);
      const code = await p.exited;
      return { code, out: JSON.parse(p.out[0] ?? "{}") as { equal: boolean; written: boolean; events: number; stored: { plan: string } | null; rebuilt: { plan: string; state: string } } };
    };
    const clean = await run(["--check"]);
    expect(clean).toMatchObject({ code: 0, out: { equal: true, written: false, events: 1, rebuilt: { state: "active", plan: "free" } } });
    await owner.query("update demo_access_states set plan = 'enterprise' where workspace_id = $1", [workspaceId]);
    expect(await run(["--check"])).toMatchObject({ code: 1, out: { equal: false, written: false, stored: { plan: "enterprise" }, rebuilt: { plan: "free" } } });
    expect(await run([])).toMatchObject({ code: 0, out: { equal: false, written: true } });
    expect(await run(["--check"])).toMatchObject({ code: 0, out: { equal: true } });
    expect(await systemAudits("access.rebuilt")).toHaveLength(1);
    const usage = spine(["access", "rebuild"], env);
    expect(await usage.exited).toBe(2);
    expect(usage.stderr()).toContain("usage: spine access rebuild");
  });
  test("integrations retry sends a failed inbound event through processing again, audited; a non-failed one is refused", async ({ workspaceId, systemAudits, owner, db }) => {
    const integrationId = randomUUID();
    const eventId = randomUUID();
    await owner.query("insert into integrations (id, workspace_id, provider, name) values ($1, $2, 'github', $3)", [integrationId, workspaceId, `gh-${integrationId}`]);
    await owner.query(
      `insert into integration_events (id, workspace_id, integration_id, source, source_event_id, event_type, payload, status, error)
       values ($1, $2, $3, $4, 'delivery-1', 'issues', '{}', 'failed', 'BAD_REQUEST: malformed')`,
      [eventId, workspaceId, integrationId, integrationId],
    );
    const env = { DATABASE_URL: db.ownerUrl, NATS_URL: TEST_NATS_URL };
    const run = spine(["integrations", "retry", eventId, "--workspace", workspaceId, "--actor", "carol"], env);
    expect(await run.exited).toBe(0);
    expect(JSON.parse(run.out[0] ?? "{}")).toEqual({ integration_event_id: eventId, previous_error: "BAD_REQUEST: malformed" });
    const { rows } = await owner.query("select status, error from integration_events where id = $1", [eventId]);
    expect(rows[0]).toEqual({ status: "received", error: null });
    const announced = await owner.query("select 1 from outbox where event_type = 'webhook.received' and envelope->'payload'->>'integration_event_id' = $1", [eventId]);
    expect(announced.rowCount).toBe(1);
    const audited = await owner.query("select 1 from audit_logs where action = 'integration_event.retried' and target_id = $1", [eventId]);
    expect(audited.rowCount).toBe(1);
    expect(await systemAudits("integration_event.retried")).toMatchObject([{ actor_type: "system", actor_name: "carol", target_id: eventId }]);
    const again = spine(["integrations", "retry", eventId, "--workspace", workspaceId], env);
    expect(await again.exited).toBe(1);
  }, 180_000);
});
