import { randomUUID } from "node:crypto";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "@spine/bus";
import { sampleValue, scrapeMetrics } from "@spine/metrics";
import { AppProcess, freePort, testKeyRingSpec } from "@spine/testing";
import { dbNatsTest } from "@spine/testing/fixtures";
import type pg from "pg";
import { describe, expect, onTestFailed } from "vitest";

// The fault test of issue 10: the api, the worker and the gateway run as real processes; writes flow
// through the HTTP API without pause while every backend of their database is terminated three times.
// No process may exit, no answered write may be lost or published twice, and a failed write answers 503, never 500.
const TOKEN_SECRET = "db-fault-test-secret-0123456789abcdef";
const WRITERS = 4;
const ROUNDS = 3;
/** Answered writes wanted before the first round, between rounds and after the last (proves recovery). */
const WRITES_PER_PHASE = 25;

interface Stack {
  api: AppProcess;
  worker: AppProcess;
  gateway: AppProcess;
  apiUrl: string;
  apiAdminUrl: string;
  gatewayUrl: string;
}

/**
 * On `dbNatsTest` (`db`, `ownerSql` the admin client, the file's `natsNames` on the shared server): `stack` the api,
 * the worker and the gateway as processes on the file's database and stream, ready; stopped after the file, then the
 * events stream deleted.
 */
const it = dbNatsTest
  .extend("stack", { scope: "file" }, async ({ db, jsm, natsNames: names, natsUrl }, { onCleanup }): Promise<Stack> => {
    const [apiPort, apiAdminPort, workerPort, gatewayPort, gatewayAdminPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const shared = {
      DATABASE_URL: db.ownerUrl, NATS_URL: natsUrl, SPINE_TOKEN_SECRET: TOKEN_SECRET, SPINE_KEY_RING: testKeyRingSpec(),
      SPINE_EVENTS_STREAM: names.stream, SPINE_SUBJECT_PREFIX: names.prefix,
    };
    const worker = AppProcess.start("worker", { ...shared, WORKER_PORT: String(workerPort), WORKER_HOST: "127.0.0.1", SPINE_RELAY_POLL_MS: "200" });
    const api = AppProcess.start("api", { ...shared, API_PORT: String(apiPort), API_HOST: "127.0.0.1", API_ADMIN_PORT: String(apiAdminPort) });
    // The gateway too: its membership and session checks hold pooled connections of the same database.
    const gateway = AppProcess.start("gateway", {
      ...shared, GATEWAY_PORT: String(gatewayPort), GATEWAY_HOST: "127.0.0.1", GATEWAY_ADMIN_PORT: String(gatewayAdminPort), GATEWAY_SESSION_RECHECK_MS: "200",
    });
    const stop = async () => {
      await Promise.allSettled([api.stop(), worker.stop(), gateway.stop()]);
      await jsm.streams.delete(names.stream).catch(() => false);
    };
    const stack = {
      api, worker, gateway, gatewayUrl: `http://127.0.0.1:${gatewayPort}`, apiUrl: `http://127.0.0.1:${apiPort}`, apiAdminUrl: `http://127.0.0.1:${apiAdminPort}`,
    };
    try {
      await worker.waitForHttp(`http://127.0.0.1:${workerPort}/readyz`);
      await api.waitForHttp(`${stack.apiUrl}/readyz`);
      await gateway.waitForHttp(`${stack.gatewayUrl}/readyz`);
    } catch (err) {
      // A fixture that throws is not cleaned up: stop what started.
      await stop();
      throw err;
    }
    onCleanup(stop);
    return stack;
  });

interface Answer {
  status: number;
  body: { result?: { data: Record<string, unknown> }; error?: { data?: { code?: string; appCode?: string } } };
}

async function call(apiUrl: string, procedure: string, input: unknown, token?: string): Promise<Answer> {
  const res = await fetch(`${apiUrl}/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": randomUUID(), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: (await res.json()) as Answer["body"] };
}

/** Set-up calls before the faults: retried on 503 (none is expected). */
async function setUp(apiUrl: string, procedure: string, input: unknown, token?: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; ; attempt++) {
    const answer = await call(apiUrl, procedure, input, token);
    if (answer.status === 200 && answer.body.result) return answer.body.result.data;
    if (answer.status !== 503 || attempt > 5) throw new Error(`${procedure} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
}

/** Every message of the stream, as `event_id`s, read with an ordered consumer. */
async function streamEventIds(natsUrl: string, stream: string): Promise<string[]> {
  const nc = await connectNats({ servers: natsUrl, name: "db-fault-stream-read" });
  try {
    const total = (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
    const ids: string[] = [];
    if (total === 0) return ids;
    const messages = await (await jetstream(nc).consumers.get(stream)).consume({ max_messages: 1_000 });
    for await (const m of messages) {
      ids.push(m.json<{ event_id: string }>().event_id);
      if (m.info.pending === 0 || ids.length >= total) break;
    }
    await messages.close();
    return ids;
  } finally {
    await nc.close();
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const count = async (admin: pg.Client, sql: string, params: unknown[] = []) => Number((await admin.query<{ n: string }>(sql, params)).rows[0]?.n ?? -1);

describe("database faults while writes flow", () => {
  it("three rounds of pg_terminate_backend on every backend: no process exits, no answered write is lost or published twice, failures answer 503", async ({ db, natsNames: names, natsUrl, ownerSql: admin, stack: { api, worker, gateway, apiUrl, apiAdminUrl, gatewayUrl } }) => {
    onTestFailed(() => {
      console.error(`--- api output ---\n${api.output}\n--- worker output ---\n${worker.output}\n--- gateway output ---\n${gateway.output}`);
    });
    const session = await setUp(apiUrl, "auth.signUp", { email: `fault-${randomUUID().slice(0, 8)}@example.test`, password: "correct horse battery", displayName: "F" });
    const token = String(session.accessToken);
    const { workspace } = (await setUp(apiUrl, "workspace.create", { name: "Faults" }, token)) as { workspace: { id: string } };

    const answers: { name: string; status: number; code: string | null; projectId: string | null }[] = [];
    const answered = () => answers.filter((a) => a.status === 200).length;
    let writing = true;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; writing; i++) {
        const name = `w${w}-${i}`;
        const answer = await call(apiUrl, "project.create", { workspaceId: workspace.id, name }, token).catch((err: unknown) => ({
          status: -1, body: { error: { data: { code: String(err) } } },
        }) as Answer);
        const data = answer.body.result?.data as { id?: string } | undefined;
        answers.push({ name, status: answer.status, code: answer.body.error?.data?.appCode ?? answer.body.error?.data?.code ?? null, projectId: data?.id ?? null });
      }
    });

    const terminated: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      const target = answered() + WRITES_PER_PHASE;
      await waitFor(`${WRITES_PER_PHASE} more answered writes (phase ${round})`, async () => {
        // The gateway's database checks run meanwhile (readiness queries Postgres through its pool).
        await fetch(`${gatewayUrl}/readyz`).catch(() => undefined);
        return answered() >= target || api.exit !== null || worker.exit !== null || gateway.exit !== null;
      });
      if (round === ROUNDS) break;
      const { rows } = await admin.query<{ pid: number }>(
        "select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
        [db.name],
      );
      const killed = await admin.query<{ ok: boolean }>("select pg_terminate_backend(pid) as ok from unnest($1::int[]) as pid", [rows.map((r) => r.pid)]);
      terminated.push(killed.rows.filter((r) => r.ok).length);
    }
    writing = false;
    await Promise.all(writers);

    const byStatus: Record<string, number> = {};
    for (const a of answers) byStatus[`${a.status} ${a.code ?? ""}`.trim()] = (byStatus[`${a.status} ${a.code ?? ""}`.trim()] ?? 0) + 1;
    console.info(`db-fault: ${answers.length} writes ${JSON.stringify(byStatus)}; backends terminated per round ${JSON.stringify(terminated)}`);

    // No process exited, and both still serve.
    expect(api.exit).toBeNull();
    expect(worker.exit).toBeNull();
    expect(gateway.exit).toBeNull();
    await waitFor("the gateway ready again", async () => (await fetch(`${gatewayUrl}/readyz`)).ok);
    expect(terminated.every((n) => n > 0)).toBe(true);
    // Every write answered 200, or 503 UNAVAILABLE: never a 500, never a dropped connection.
    const failed = answers.filter((a) => a.status !== 200);
    expect(failed.filter((a) => a.status !== 503 || a.code !== "UNAVAILABLE")).toEqual([]);

    // Every answered write exists once, with exactly one outbox event.
    const ok = answers.filter((a) => a.status === 200);
    const stored = await admin.query<{ name: string; id: string; events: string }>(
      `select p.name, p.id::text, (select count(*) from outbox o where o.envelope->>'event_type' = 'project.created'
         and o.envelope->'payload'->>'project_id' = p.id::text)::text as events
       from projects p where p.workspace_id = $1`,
      [workspace.id],
    );
    const byName = new Map<string, { id: string; events: number }[]>();
    for (const r of stored.rows) byName.set(r.name, [...(byName.get(r.name) ?? []), { id: r.id, events: Number(r.events) }]);
    expect(ok.filter((a) => byName.get(a.name)?.length !== 1 || byName.get(a.name)?.[0]?.id !== a.projectId)).toEqual([]);
    expect([...byName.values()].filter((rows) => rows.length !== 1 || rows[0]?.events !== 1)).toEqual([]);
    // A write that answered 503 may have committed (the answer was lost with the connection), but never twice.
    expect(stored.rows.length).toBeGreaterThanOrEqual(ok.length);
    expect(stored.rows.length).toBeLessThanOrEqual(answers.length);

    // The relay publishes everything, each event exactly once.
    await waitFor("the outbox to drain", async () => (await count(admin, "select count(*)::text as n from outbox where published_at is null")) === 0);
    const outboxIds = (await admin.query<{ id: string }>("select envelope->>'event_id' as id from outbox")).rows.map((r) => r.id);
    const inStream = await streamEventIds(natsUrl, names.stream);
    expect(new Set(inStream).size).toBe(inStream.length);
    expect([...inStream].sort()).toEqual([...outboxIds].sort());

    // The consumer applied each project.created exactly once (usage_counters counts projects once).
    await waitFor("usage-metering to apply every project.created", async () =>
      (await count(admin, `select coalesce(sum(value), 0)::text as n from usage_counters where workspace_id = $1 and metric = 'projects' and "window" = 'month'`, [workspace.id])) === stored.rows.length,
    );
    expect(await count(admin, "select count(*)::text as n from job_runs where handler = 'usage-metering' and event_type = 'project.created' and status = 'succeeded'")).toBe(stored.rows.length);

    // The api's metrics saw the same: the 503s and no 500.
    const metrics = await scrapeMetrics(apiAdminUrl);
    expect(sampleValue(metrics, "spine_api_requests_total", { procedure: "project.create", code: "OK" })).toBe(ok.length);
    expect(sampleValue(metrics, "spine_api_requests_total", { procedure: "project.create", code: "SERVICE_UNAVAILABLE" })).toBe(failed.length);
    expect(sampleValue(metrics, "spine_api_requests_total", { code: "INTERNAL_SERVER_ERROR" })).toBe(0);
    // The first test builds the file's fixtures (database, the three app processes), as the file's beforeAll did with this budget.
  }, 120_000 + 300_000);
});
