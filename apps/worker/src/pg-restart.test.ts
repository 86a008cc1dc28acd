import { randomUUID } from "node:crypto";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connectNats, ensureEventsStream } from "@spine/bus";
import { createRealtimeClient, type RealtimeClient } from "@spine/client";
import { migrate } from "@spine/domain/migrate";
import { AppProcess, freePort, natsTestNames, startNatsServer, startPgCluster, testKeyRingSpec, type NatsServerProcess, type PgClusterProcess } from "@spine/testing";
import pg from "pg";
import { test as baseTest, describe, expect, onTestFailed } from "vitest";

// Issue 10, defect 1: every process survives a PostgreSQL restart and a NATS restart without being restarted.
// This file runs its own PostgreSQL cluster and its own nats-server, stops each like a crash
// (`pg_ctl stop -m immediate`, SIGKILL) while writes flow through the api, and starts them again.
// The api, the worker, the gateway and a long-running CLI (`spine events tail`) are real processes.
const names = natsTestNames("pgrestart");
const TOKEN_SECRET = "pg-restart-test-secret-0123456789abcdef";
/** Answered writes wanted in each phase (before, after the PostgreSQL restart, during and after the NATS outage). */
const WRITES_PER_PHASE = 10;
/**
 * The relay's poll interval: far longer than the test, so every event after the restart reaches NATS
 * only because the relay's LISTEN connection was re-established (a poll would hide a dead listener).
 */
const RELAY_POLL_MS = 600_000;

interface Stack {
  api: AppProcess;
  worker: AppProcess;
  gateway: AppProcess;
  /** `spine events tail` on the file's prefix, running all along. */
  tail: AppProcess;
  /** The envelopes the tail printed, as they come. */
  tailed: { event_id: string; event_type: string }[];
  apiUrl: string;
  workerUrl: string;
  gatewayUrl: string;
}

/**
 * - `pgCluster`: the file's own PostgreSQL cluster, disposed after the file; `ownerUrl`: a migrated database on it;
 *   `admin`: a pool of its owner, ended;
 * - `natsServer`: the file's own nats-server, disposed after the file;
 * - `cliEnv`: the environment of the `spine` CLI on both;
 * - `stack`: the api, the worker, the gateway and a `spine events tail` as processes on both, ready; stopped after the file;
 * - `connectRealtime(token)`: a socket client of the gateway, closed after the file.
 */
const it = baseTest
  // vitest reads a fixture's dependencies from its first parameter's pattern: `{}` means none.
  // eslint-disable-next-line no-empty-pattern
  .extend("pgCluster", { scope: "file" }, async ({}, { onCleanup }): Promise<PgClusterProcess> => {
    const cluster = await startPgCluster();
    onCleanup(() => cluster.dispose());
    return cluster;
  })
  // eslint-disable-next-line no-empty-pattern
  .extend("natsServer", { scope: "file" }, async ({}, { onCleanup }): Promise<NatsServerProcess> => {
    const nats = await startNatsServer();
    onCleanup(() => nats.dispose());
    return nats;
  })
  .extend("ownerUrl", { scope: "file" }, async ({ pgCluster }) => {
    const url = new URL(pgCluster.url);
    url.pathname = "/spine_pg_restart";
    await migrate(url.toString());
    return url.toString();
  })
  .extend("admin", { scope: "file" }, ({ ownerUrl }, { onCleanup }) => {
    const admin = new pg.Pool({ connectionString: ownerUrl, max: 2 });
    admin.on("error", () => undefined);
    onCleanup(() => admin.end());
    return admin;
  })
  .extend("cliEnv", { scope: "file" }, ({ natsServer, ownerUrl }): Record<string, string> => ({
    DATABASE_URL: ownerUrl, NATS_URL: natsServer.url, SPINE_EVENTS_STREAM: names.stream, SPINE_SUBJECT_PREFIX: names.prefix, LOG_LEVEL: "warn",
  }))
  .extend("stack", { scope: "file" }, async ({ cliEnv, natsServer: nats, ownerUrl }, { onCleanup }): Promise<Stack> => {
    const [apiPort, apiAdminPort, workerPort, gatewayPort, gatewayAdminPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const shared = {
      DATABASE_URL: ownerUrl, NATS_URL: nats.url, SPINE_TOKEN_SECRET: TOKEN_SECRET, SPINE_KEY_RING: testKeyRingSpec(),
      SPINE_EVENTS_STREAM: names.stream, SPINE_SUBJECT_PREFIX: names.prefix,
    };
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const workerUrl = `http://127.0.0.1:${workerPort}`;
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    // The stream exists before the processes start (the worker would create it; the gateway waits for it).
    const nc = await connectNats({ servers: nats.url, name: "pg-restart-setup" });
    await ensureEventsStream(await jetstreamManager(nc), { name: names.stream, prefix: names.prefix });
    await nc.close();
    const worker = AppProcess.start("worker", { ...shared, WORKER_PORT: String(workerPort), WORKER_HOST: "127.0.0.1", SPINE_RELAY_POLL_MS: String(RELAY_POLL_MS) });
    const api = AppProcess.start("api", { ...shared, API_PORT: String(apiPort), API_HOST: "127.0.0.1", API_ADMIN_PORT: String(apiAdminPort) });
    const gateway = AppProcess.start("gateway", {
      ...shared, GATEWAY_PORT: String(gatewayPort), GATEWAY_HOST: "127.0.0.1", GATEWAY_ADMIN_PORT: String(gatewayAdminPort), GATEWAY_SESSION_RECHECK_MS: "200",
    });
    const tail = AppProcess.start("worker", cliEnv, ["src/cli.ts", "events", "tail", `${names.prefix}.>`], "events-tail");
    const tailed: Stack["tailed"] = [];
    let buffer = "";
    tail.child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        const parsed = JSON.parse(line) as { envelope?: { event_id: string; event_type: string } };
        if (parsed.envelope) tailed.push({ event_id: parsed.envelope.event_id, event_type: parsed.envelope.event_type });
      }
    });
    const stop = async () => {
      await Promise.allSettled([api.stop(), worker.stop(), gateway.stop(), tail.stop()]);
    };
    try {
      await worker.waitForHttp(`${workerUrl}/readyz`);
      await api.waitForHttp(`${apiUrl}/readyz`);
      await gateway.waitForHttp(`${gatewayUrl}/readyz`);
    } catch (err) {
      console.error(`--- worker ---\n${worker.output}\n--- api ---\n${api.output}`);
      // A fixture that throws is not cleaned up: stop what started.
      await stop();
      throw err;
    }
    onCleanup(stop);
    return { api, worker, gateway, tail, tailed, apiUrl, workerUrl, gatewayUrl };
  })
  .extend("connectRealtime", { scope: "file" }, ({ stack: { gatewayUrl } }, { onCleanup }) => {
    const clients: RealtimeClient[] = [];
    onCleanup(() => {
      for (const c of clients) c.close();
    });
    return (token: string): RealtimeClient => {
      const client = createRealtimeClient({ url: gatewayUrl, getToken: () => token });
      clients.push(client);
      return client;
    };
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

async function setUp(apiUrl: string, procedure: string, input: unknown, token?: string): Promise<Record<string, unknown>> {
  const answer = await call(apiUrl, procedure, input, token);
  if (answer.status === 200 && answer.body.result) return answer.body.result.data;
  throw new Error(`${procedure} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const readiness = async (base: string) => fetch(`${base}/readyz`).then((r) => r.status, () => -1);
const count = async (admin: pg.Pool, sql: string, params: unknown[] = []) => Number((await admin.query<{ n: string }>(sql, params)).rows[0]?.n ?? -1);

/** Every message of the stream, as `event_id`s, read with an ordered consumer. */
async function streamEventIds(natsUrl: string): Promise<string[]> {
  const nc = await connectNats({ servers: natsUrl, name: "pg-restart-stream-read" });
  try {
    const total = (await (await jetstreamManager(nc)).streams.info(names.stream)).state.messages;
    const ids: string[] = [];
    if (total === 0) return ids;
    const messages = await (await jetstream(nc).consumers.get(names.stream)).consume({ max_messages: 1_000 });
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

/** Run `spine <args>` once and wait for it. */
async function cli(cliEnv: Record<string, string>, args: string[]): Promise<{ code: number | null; output: string }> {
  const proc = AppProcess.start("worker", cliEnv, ["src/cli.ts", ...args], `spine ${args.join(" ")}`);
  await proc.exited;
  return { code: proc.exit?.code ?? null, output: proc.output };
}

describe("PostgreSQL and NATS restarts under running processes", () => {
  it("api, worker, gateway and a CLI tail keep running; outage writes answer 503; every committed write is relayed and delivered once", async ({
    admin, cliEnv, connectRealtime, natsServer: nats, pgCluster: cluster, stack: { api, worker, gateway, tail, tailed, apiUrl, workerUrl, gatewayUrl },
  }) => {
    onTestFailed(() => {
      console.error(`--- api ---\n${api.output}\n--- worker ---\n${worker.output}\n--- gateway ---\n${gateway.output}\n--- tail ---\n${tail.output}`);
    });
    const pids = [api, worker, gateway, tail].map((p) => p.child.pid);
    const session = await setUp(apiUrl, "auth.signUp", { email: `restart-${randomUUID().slice(0, 8)}@example.test`, password: "correct horse battery", displayName: "R" });
    const token = String(session.accessToken);
    const { workspace } = (await setUp(apiUrl, "workspace.create", { name: "Restarts" }, token)) as { workspace: { id: string } };

    // A socket client of the gateway, subscribed before any project is written.
    const delivered: string[] = [];
    const realtime = connectRealtime(token);
    realtime.on("project.created", (env) => void delivered.push(env.event_id));
    await realtime.subscribe(workspace.id);

    type Phase = "before" | "pg-down" | "pg-up" | "nats-down" | "nats-up";
    let phase: Phase = "before";
    const answers: { name: string; phase: Phase; status: number; code: string | null; projectId: string | null }[] = [];
    const answeredIn = (p: Phase) => answers.filter((a) => a.phase === p && a.status === 200).length;
    let writing = true;
    const writers = Array.from({ length: 2 }, async (_, w) => {
      for (let i = 0; writing; i++) {
        const at = phase;
        const name = `w${w}-${i}`;
        const answer = await call(apiUrl, "project.create", { workspaceId: workspace.id, name }, token).catch((err: unknown) => ({
          status: -1, body: { error: { data: { code: String(err) } } },
        }) as Answer);
        const data = answer.body.result?.data as { id?: string } | undefined;
        answers.push({ name, phase: at, status: answer.status, code: answer.body.error?.data?.appCode ?? answer.body.error?.data?.code ?? null, projectId: data?.id ?? null });
        if (answer.status !== 200) await new Promise((r) => setTimeout(r, 50));
      }
    });
    const alive = () => api.exit === null && worker.exit === null && gateway.exit === null && tail.exit === null;

    await waitFor("writes before the restart", () => answeredIn("before") >= WRITES_PER_PHASE || !alive());

    // PostgreSQL dies like a crash: every backend aborted, no shutdown checkpoint.
    await cluster.stop("immediate");
    phase = "pg-down";
    await waitFor("writes answered during the PostgreSQL outage", () => answers.filter((a) => a.phase === "pg-down").length >= 6 || !alive());
    // Each process notices (readiness fails) but keeps running.
    const readyDuringPgOutage = { api: await readiness(apiUrl), worker: await readiness(workerUrl), gateway: await readiness(gatewayUrl) };
    await cluster.start();
    phase = "pg-up";
    await waitFor("writes after the PostgreSQL restart", () => answeredIn("pg-up") >= WRITES_PER_PHASE || !alive());
    await waitFor("every process ready again", async () => (await readiness(apiUrl)) === 200 && (await readiness(workerUrl)) === 200 && (await readiness(gatewayUrl)) === 200);
    // The relay's LISTEN connection is back (the poll interval is 10 minutes, so the events after the
    // restart can only have been relayed through its wake-ups).
    await waitFor("the relay listening again", async () => (await count(admin, "select count(*)::text as n from pg_stat_activity where query ilike 'listen spine_outbox%'")) === 1);

    // NATS dies (SIGKILL) while writes go on: the api does not need it; the relay and the consumers wait.
    await nats.stop("SIGKILL");
    phase = "nats-down";
    await waitFor("writes during the NATS outage", () => answeredIn("nats-down") >= WRITES_PER_PHASE || !alive());
    const readyDuringNatsOutage = { worker: await readiness(workerUrl), gateway: await readiness(gatewayUrl) };
    await nats.start();
    phase = "nats-up";
    await waitFor("writes after the NATS restart", () => answeredIn("nats-up") >= WRITES_PER_PHASE || !alive());
    writing = false;
    await Promise.all(writers);

    const byStatus: Record<string, number> = {};
    for (const a of answers) byStatus[`${a.phase} ${a.status} ${a.code ?? ""}`.trim()] = (byStatus[`${a.phase} ${a.status} ${a.code ?? ""}`.trim()] ?? 0) + 1;
    console.info(`pg-restart: ${answers.length} writes ${JSON.stringify(byStatus)}`);

    // The same processes, all still running.
    expect({ api: api.exit, worker: worker.exit, gateway: gateway.exit, tail: tail.exit }).toEqual({ api: null, worker: null, gateway: null, tail: null });
    expect([api, worker, gateway, tail].map((p) => p.child.pid)).toEqual(pids);
    for (const pid of pids) expect(() => process.kill(pid ?? -1, 0)).not.toThrow();
    expect(readyDuringPgOutage).toEqual({ api: 503, worker: 503, gateway: 503 });
    expect(readyDuringNatsOutage).toEqual({ worker: 503, gateway: 503 });

    // Writes during the PostgreSQL outage answered the typed retryable error; nothing else ever failed.
    const failed = answers.filter((a) => a.status !== 200);
    expect(failed.filter((a) => a.status !== 503 || a.code !== "UNAVAILABLE")).toEqual([]);
    expect(answers.filter((a) => a.phase === "pg-down" && a.status === 503).length).toBeGreaterThanOrEqual(5);
    expect(failed.filter((a) => a.phase === "nats-down" || a.phase === "nats-up")).toEqual([]);

    // Every answered write exists once, with exactly one outbox event.
    const ok = answers.filter((a) => a.status === 200);
    const stored = await admin.query<{ name: string; id: string; events: string }>(
      `select p.name, p.id::text, (select count(*) from outbox o where o.envelope->>'event_type' = 'project.created'
         and o.envelope->'payload'->>'project_id' = p.id::text)::text as events
       from projects p where p.workspace_id = $1`,
      [workspace.id],
    );
    const byName = new Map(stored.rows.map((r) => [r.name, r]));
    expect(stored.rows.length).toBe(byName.size);
    expect(ok.filter((a) => byName.get(a.name)?.id !== a.projectId)).toEqual([]);
    expect(stored.rows.filter((r) => r.events !== "1")).toEqual([]);
    expect(stored.rows.length).toBeLessThanOrEqual(answers.length);

    // The relay published everything, each event exactly once.
    await waitFor("the outbox to drain", async () => (await count(admin, "select count(*)::text as n from outbox where published_at is null")) === 0);
    const outboxIds = (await admin.query<{ id: string }>("select envelope->>'event_id' as id from outbox")).rows.map((r) => r.id);
    const inStream = await streamEventIds(nats.url);
    expect(new Set(inStream).size).toBe(inStream.length);
    expect([...inStream].sort()).toEqual([...outboxIds].sort());

    // The socket client received every project.created once; the consumers applied each once.
    const projectEvents = (await admin.query<{ id: string }>(
      "select envelope->>'event_id' as id from outbox where envelope->>'event_type' = 'project.created' and envelope->>'workspace_id' = $1", [workspace.id],
    )).rows.map((r) => r.id);
    expect(projectEvents.length).toBe(stored.rows.length);
    await waitFor("the gateway to deliver every project.created", () => delivered.length >= projectEvents.length);
    expect([...delivered].sort()).toEqual([...projectEvents].sort());
    await waitFor("usage-metering to apply every project.created", async () =>
      (await count(admin, "select count(*)::text as n from job_runs where handler = 'usage-metering' and event_type = 'project.created' and status = 'succeeded'")) === stored.rows.length,
    );

    // The CLI tail, connected all along, prints a write made after both restarts.
    const last = await setUp(apiUrl, "project.create", { workspaceId: workspace.id, name: "after-both" }, token);
    const lastEvent = (await admin.query<{ id: string }>(
      "select envelope->>'event_id' as id from outbox where envelope->'payload'->>'project_id' = $1", [String(last.id)],
    )).rows[0]?.id;
    await waitFor("the tail to print the last write", () => tailed.some((e) => e.event_id === lastEvent));
    expect(tail.exit).toBeNull();
    // And a one-shot CLI command works against the restarted database.
    const verify = await cli(cliEnv, ["audit", "verify", "--workspace", workspace.id]);
    expect(verify).toMatchObject({ code: 0 });
    // The first test builds the file's fixtures (PostgreSQL, nats-server, four processes), as the file's beforeAll did with this budget.
  }, 240_000 + 180_000);
});
