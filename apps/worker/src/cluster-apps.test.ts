import { randomBytes, randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connectNats } from "@spine/bus";
import { createRealtimeClient, createSpineClient, type RealtimeClient } from "@spine/client";
import { AppProcess, freePort, startNatsCluster, testKeyRingSpec, type NatsCluster } from "@spine/testing";
import { dbTest } from "@spine/testing/fixtures";
import pg from "pg";
import { describe, expect } from "vitest";
import { streamEventIds } from "./bus/test-support/stream-contents.ts";
import { waitUntil } from "./bus/test-support/wait-until.ts";
import { METERED_EVENT_TYPES } from "./handlers/usage-metering.ts";
import { ensureBuilt } from "./test-support/built-apps.ts";

// The production deployment in miniature: two api, two worker and two gateway processes — the BUILT
// apps (`node dist/main.js`), not the dev runner — against a 3-node nats-server cluster running
// infra/nats/cluster.conf with the production users and R3 streams. Writes go through both APIs while
// the EVENTS stream's leader node is killed with SIGKILL and later restarted.
const CONFIG = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "infra", "nats", "cluster.conf");
const secret = () => `p${randomBytes(12).toString("hex")}`;
const pw = { relay: secret(), worker: secret(), gateway: secret(), api: secret(), operator: secret() };
const TOKEN_SECRET = "cluster-apps-secret-that-is-long-enough";
const WRITES = 240;
const KILL_AT = 60;
const RESTART_AT = 160;
const CONCURRENCY = 4;

interface Stack {
  /** The workers, then api-1, gateway-1, api-2, gateway-2. */
  apps: AppProcess[];
  apiUrls: string[];
  gatewayUrls: string[];
}

/**
 * On `dbTest` (`db`), all file-scoped:
 * - `built` (automatic): api, worker and gateway built before the file's first test;
 * - `owner`: a pool of the database owner, ended;
 * - `natsCluster`: the file's own 3-node nats-server cluster (infra/nats/cluster.conf) with JetStream up, and the
 *   `operator`'s connection to it; closed, then the cluster disposed;
 * - `stack`: two workers, then two api and two gateway processes, built, on `db` and the cluster, ready; stopped;
 * - `openClients(token)`: one realtime client on each gateway, closed after the file.
 */
const it = dbTest
  // vitest reads a fixture's dependencies from its first parameter's pattern: `{}` means none.
  // eslint-disable-next-line no-empty-pattern
  .extend("built", { scope: "file", auto: true }, ({}) => {
    ensureBuilt(["api", "worker", "gateway"]);
    return true;
  })
  .extend("owner", { scope: "file" }, ({ db }, { onCleanup }) => {
    const owner = new pg.Pool({ connectionString: db.ownerUrl, max: 3 });
    onCleanup(() => owner.end());
    return owner;
  })
  // eslint-disable-next-line no-empty-pattern
  .extend("natsCluster", { scope: "file" }, async ({}, { onCleanup }): Promise<{ cluster: NatsCluster; operator: NatsConnection }> => {
    const cluster = await startNatsCluster({
      configFile: CONFIG,
      env: Object.fromEntries(Object.entries(pw).map(([user, pass]) => [`SPINE_NATS_${user.toUpperCase()}_PASSWORD`, pass])),
    });
    let operator: NatsConnection | undefined;
    const dispose = async () => {
      await operator?.close();
      await cluster.dispose();
    };
    try {
      operator = await connectNats({ servers: cluster.urls, name: "cluster-apps-operator", user: "operator", pass: pw.operator });
      const nc = operator;
      // JetStream answers once the nodes have elected a meta leader.
      await waitUntil(async () => (await jetstreamManager(nc, { timeout: 5_000 }).then((jsm) => jsm.getAccountInfo())) !== null, "the cluster's JetStream", 90_000);
    } catch (err) {
      // A fixture that throws is not cleaned up: stop what started.
      await dispose();
      throw err;
    }
    onCleanup(dispose);
    return { cluster, operator };
  })
  .extend("stack", { scope: "file" }, async ({ db, natsCluster: { cluster } }, { onCleanup }): Promise<Stack> => {
    const apps: AppProcess[] = [];
    const apiUrls: string[] = [];
    const gatewayUrls: string[] = [];
    const stop = async () => {
      await Promise.allSettled(apps.map((a) => a.stop()));
    };
    try {
      const natsUrl = cluster.urls.join(",");
      const keyRing = testKeyRingSpec();
      const common = { DATABASE_URL: db.ownerUrl, NATS_URL: natsUrl, SPINE_KEY_RING: keyRing, SPINE_TOKEN_SECRET: TOKEN_SECRET, LOG_LEVEL: "warn" };
      const workerPorts = [await freePort(), await freePort()];
      for (const [i, port] of workerPorts.entries()) {
        apps.push(AppProcess.startBuilt("worker", {
          ...common, NATS_USER: "worker", NATS_PASSWORD: pw.worker, NATS_RELAY_USER: "relay", NATS_RELAY_PASSWORD: pw.relay,
          SPINE_STREAM_REPLICAS: "3", SPINE_GATEWAY_STREAM: "EVENTS_GATEWAY", WORKER_PORT: String(port), WORKER_HOST: "127.0.0.1", SPINE_RELAY_POLL_MS: "200",
        }, `worker-${i + 1}`));
      }
      // The workers create the R3 streams (EVENTS, its gateway mirror, JOBS) before the gateways read them.
      for (const [i, port] of workerPorts.entries()) await apps[i]?.waitForHttp(`http://127.0.0.1:${port}/readyz`, 180_000);
      const admin: string[] = [];
      for (let i = 0; i < 2; i += 1) {
        const [apiPort, apiAdmin, gwPort, gwAdmin] = [await freePort(), await freePort(), await freePort(), await freePort()];
        apps.push(AppProcess.startBuilt("api", {
          ...common, NATS_USER: "api", NATS_PASSWORD: pw.api, API_PORT: String(apiPort), API_HOST: "127.0.0.1", API_ADMIN_PORT: String(apiAdmin),
        }, `api-${i + 1}`));
        apps.push(AppProcess.startBuilt("gateway", {
          ...common, NATS_USER: "gateway", NATS_PASSWORD: pw.gateway, SPINE_EVENTS_STREAM: "EVENTS_GATEWAY",
          GATEWAY_PORT: String(gwPort), GATEWAY_HOST: "127.0.0.1", GATEWAY_ADMIN_PORT: String(gwAdmin),
        }, `gateway-${i + 1}`));
        apiUrls.push(`http://127.0.0.1:${apiPort}`);
        gatewayUrls.push(`http://127.0.0.1:${gwPort}`);
        admin.push(`http://127.0.0.1:${apiAdmin}/readyz`, `http://127.0.0.1:${gwAdmin}/readyz`);
      }
      for (const [i, url] of admin.entries()) await apps[2 + i]?.waitForHttp(url, 180_000);
    } catch (err) {
      // A fixture that throws is not cleaned up: stop what started.
      await stop();
      throw err;
    }
    onCleanup(stop);
    return { apps, apiUrls, gatewayUrls };
  })
  .extend("openClients", { scope: "file" }, ({ stack: { gatewayUrls } }, { onCleanup }) => {
    const clients: RealtimeClient[] = [];
    onCleanup(() => {
      for (const c of clients) c.close();
    });
    return (token: string): RealtimeClient[] => {
      const opened = gatewayUrls.map((url) => createRealtimeClient({ url, getToken: () => token, reconnectDelayMs: 100 }));
      clients.push(...opened);
      return opened;
    };
  });

async function scalar(owner: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await owner.query<{ n: number }>(sql, params);
  return Number(rows[0]?.n ?? -1);
}

describe("2× api, 2× worker, 2× gateway (built) on a 3-node NATS cluster; the EVENTS leader is killed mid-load", () => {
  it("every committed event is in the stream once, metered once, and reaches both gateways' clients in order", async ({ natsCluster: { cluster, operator }, openClients, owner, stack: { apps, apiUrls } }) => {
    const anonymous = createSpineClient({ url: `${apiUrls[0]}/trpc` });
    const session = await anonymous.auth.signUp.mutate({ email: `cluster-${randomUUID().slice(0, 8)}@example.test`, password: "correct horse battery", displayName: "Cluster" });
    const api = apiUrls.map((url) => createSpineClient({ url: `${url}/trpc`, token: session.accessToken }));
    const { workspace } = await api[0]!.workspace.create.mutate({ name: "Cluster" });

    // One client on each gateway instance.
    const seen: { ids: string[]; resyncs: number }[] = [];
    for (const client of openClients(session.accessToken)) {
      const view = { ids: [] as string[], resyncs: 0 };
      seen.push(view);
      client.on("project.created", (envelope) => void view.ids.push(envelope.event_id));
      client.onResyncRequired(() => void (view.resyncs += 1));
      await client.subscribe(workspace.id);
    }

    const jsm = await jetstreamManager(operator, { timeout: 10_000 });
    const leader = (await jsm.streams.info("EVENTS")).cluster?.leader ?? "";
    const victim = cluster.nodes[Number(leader.replace("spine-", "")) - 1];
    expect(victim, `EVENTS leader ${leader} is one of the nodes`).toBeDefined();

    let written = 0;
    let killedAt = 0;
    let firstAfterKill = "";
    let recoveryMs = -1;
    const started = Date.now();
    const write = async (i: number) => {
      const project = await api[i % 2]!.project.create.mutate({ workspaceId: workspace.id, name: `p${i}` });
      written += 1;
      if (killedAt && !firstAfterKill) firstAfterKill = project.id;
    };
    let next = 0;
    const lanes = Array.from({ length: CONCURRENCY }, async () => {
      while (next < WRITES) {
        const i = next;
        next += 1;
        if (i === KILL_AT) {
          await victim?.stop("SIGKILL");
          killedAt = Date.now();
          void waitUntil(async () => firstAfterKill && (await scalar(owner,
            "select count(*)::int as n from outbox where published_at is not null and envelope->'payload'->>'project_id' = $1", [firstAfterKill],
          )) === 1, "the first write after the kill to be published", 120_000).then(() => void (recoveryMs = Date.now() - killedAt));
        }
        if (i === RESTART_AT) await victim?.start();
        await write(i);
      }
    });
    await Promise.all(lanes);
    const writeMs = Date.now() - started;
    expect(written).toBe(WRITES);

    await waitUntil(async () => (await scalar(owner, "select count(*)::int as n from outbox where published_at is null")) === 0, "both relays to publish every committed event", 120_000);
    const committed = (await owner.query<{ id: string; event_type: string }>("select id, event_type from outbox order by created_at, id")).rows;
    const metered = committed.filter((r) => (METERED_EVENT_TYPES as readonly string[]).includes(r.event_type));
    await waitUntil(async () => (await scalar(owner, "select count(*)::int as n from job_runs where handler = 'usage-metering' and status = 'succeeded'")) >= metered.length, "the workers' metering", 120_000);
    await waitUntil(async () => seen.every((v) => v.ids.length >= WRITES || v.resyncs > 0), "both gateways' clients to see every project", 120_000);

    const inStream = await streamEventIds(operator, "EVENTS");
    const distinct = new Set(inStream);
    const missing = committed.filter((r) => !distinct.has(r.id)).length;
    const duplicates = inStream.length - distinct.size;
    const runs = await scalar(owner, "select count(*)::int as n from job_runs where handler = 'usage-metering'");
    const runsDistinct = await scalar(owner, "select count(distinct event_id)::int as n from job_runs where handler = 'usage-metering'");
    const projectsCounted = await scalar(owner, "select coalesce(sum(value), 0)::int as n from usage_counters where metric = 'projects' and \"window\" = 'day'");
    // The gateway delivers in stream order: each client's project ids are the stream's, in the stream's order.
    const streamProjects = inStream.filter((id) => committed.some((r) => r.id === id && r.event_type === "project.created"));
    process.stdout.write(
      `cluster apps (2 api, 2 worker, 2 gateway, built): written=${committed.length} (projects=${WRITES}) in_stream=${inStream.length} ` +
        `duplicates=${duplicates} missing=${missing} metered=${runs}/${metered.length} usage_projects=${projectsCounted} ` +
        `gateway_clients=${seen.map((v) => `${v.ids.length}${v.resyncs ? `+resync${v.resyncs}` : ""}`).join(",")} recovery_ms=${recoveryMs} write_ms=${writeMs}\n`,
    );
    expect(missing).toBe(0);
    expect(duplicates).toBe(0);
    expect(inStream).toHaveLength(committed.length);
    expect({ runs, runsDistinct }).toEqual({ runs: metered.length, runsDistinct: metered.length });
    expect(projectsCounted).toBe(WRITES);
    for (const view of seen) {
      if (view.resyncs === 0) expect(view.ids).toEqual(streamProjects);
      else expect(new Set(view.ids).size, "after a resync: no event twice").toBe(view.ids.length);
    }
    expect(recoveryMs).toBeGreaterThan(0);
    for (const app of apps) expect(app.exit, `${app.name} exited:\n${app.output}`).toBeNull();
    // The first test builds the file's fixtures (the built apps, the cluster, six processes), as the file's beforeAll did with this budget.
  }, 480_000 + 300_000);
});
