import { randomUUID } from "node:crypto";
import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "@spine/bus";
import { sampleValue, scrapeMetrics } from "@spine/metrics";
import { createRealtimeClient, createSpineClient, type RealtimeClient, type SubscriptionEnded } from "@spine/client";
import type { EnvelopeOf } from "@spine/contracts";
import { AppProcess, createTestDatabase, freePort, natsTestNames, TEST_NATS_URL, testKeyRingSpec, type TestDatabase } from "@spine/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { TestSocket } from "./test-support/test-socket.ts";
import { TEST_TOKEN_SECRET } from "./test-support/gateway-harness.ts";
import { waitUntil } from "./test-support/wait-until.ts";

// api, worker (outbox relay) and gateway as real processes over real Postgres and NATS.
const names = natsTestNames("gwe2e");
let db: TestDatabase;
let apps: AppProcess[] = [];
let apiUrl: string;
let gatewayUrl: string;
/** Each app's admin endpoint (`/metrics`, `/readyz`). */
let admin: { api: string; worker: string; gateway: string };
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase("gwe2e");
  const [apiPort, workerPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
  const [apiAdminPort, gatewayAdminPort] = [await freePort(), await freePort()];
  const shared = {
    DATABASE_URL: db.ownerUrl,
    NATS_URL: TEST_NATS_URL,
    SPINE_TOKEN_SECRET: TEST_TOKEN_SECRET,
    SPINE_KEY_RING: testKeyRingSpec(),
    SPINE_EVENTS_STREAM: names.stream,
    SPINE_SUBJECT_PREFIX: names.prefix,
  };
  const worker = AppProcess.start("worker", { ...shared, WORKER_PORT: String(workerPort), WORKER_HOST: "127.0.0.1", SPINE_RELAY_POLL_MS: "200" });
  const api = AppProcess.start("api", { ...shared, API_PORT: String(apiPort), API_HOST: "127.0.0.1", API_ADMIN_PORT: String(apiAdminPort) });
  const gateway = AppProcess.start("gateway", {
    ...shared, GATEWAY_PORT: String(gatewayPort), GATEWAY_HOST: "127.0.0.1", GATEWAY_ADMIN_PORT: String(gatewayAdminPort), LOG_LEVEL: "info",
  });
  apps = [worker, api, gateway];
  apiUrl = `http://127.0.0.1:${apiPort}`;
  gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  admin = { api: `http://127.0.0.1:${apiAdminPort}`, worker: `http://127.0.0.1:${workerPort}`, gateway: `http://127.0.0.1:${gatewayAdminPort}` };
  await worker.waitForHttp(`http://127.0.0.1:${workerPort}/healthz`);
  await api.waitForHttp(`${apiUrl}/readyz`);
  await gateway.waitForHttp(`${gatewayUrl}/readyz`);
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.allSettled(apps.map((a) => a.stop()));
  const nc = await connectNats({ servers: TEST_NATS_URL, name: "gateway-e2e-cleanup" });
  await (await jetstreamManager(nc)).streams.delete(names.stream).catch(() => false);
  await nc.close();
  await db?.drop();
});

async function signUp(name: string) {
  const anonymous = createSpineClient({ url: `${apiUrl}/trpc` });
  const email = `${name}-${randomUUID().slice(0, 8)}@example.test`;
  const session = await anonymous.auth.signUp.mutate({ email, password: "correct horse battery", displayName: name });
  const api = createSpineClient({ url: `${apiUrl}/trpc`, token: session.accessToken });
  const realtime = createRealtimeClient({ url: gatewayUrl, getToken: () => session.accessToken, reconnectDelayMs: 50 });
  clients.push(realtime);
  return { email, session, api, realtime };
}

async function diagnostics(): Promise<string> {
  const metrics = await fetch(`${admin.gateway}/metrics`).then((r) => r.text(), (err: unknown) => String(err));
  return [`gateway metrics: ${metrics}`, ...apps.map((a) => `--- ${a.name} output ---\n${a.output}`)].join("\n");
}

describe("end to end: tRPC mutation → outbox → relay → JetStream → gateway → socket", () => {
  it("a project created through tRPC reaches a subscribed member with the request's correlation id", async () => {
    const alice = await signUp("alice");
    const { workspace } = await alice.api.workspace.create.mutate({ name: "E2E" });
    const received: EnvelopeOf<"project.created">[] = [];
    alice.realtime.on("project.created", (env) => received.push(env));
    await alice.realtime.subscribe(workspace.id);

    const correlationId = `e2e-${randomUUID()}`;
    const project = await alice.api.project.create.mutate({ workspaceId: workspace.id, name: "Launch" }, { context: { correlationId } });
    await waitUntil(() => received.length === 1, "project.created at the socket", 30_000);
    expect(received[0]).toMatchObject({
      event_type: "project.created",
      workspace_id: workspace.id,
      actor_id: alice.session.user.id,
      correlation_id: correlationId,
      payload: { project_id: project.id, name: "Launch" },
      version: 1,
    });
  });

  it("every app's admin port serves Prometheus series that moved with the traffic", async () => {
    const before = await Promise.all([scrapeMetrics(admin.api), scrapeMetrics(admin.worker), scrapeMetrics(admin.gateway)]);
    const dave = await signUp("dave");
    const { workspace } = await dave.api.workspace.create.mutate({ name: "Metrics" });
    const seen: string[] = [];
    dave.realtime.on("project.created", (env) => seen.push(env.payload.name));
    await dave.realtime.subscribe(workspace.id);
    await dave.api.project.create.mutate({ workspaceId: workspace.id, name: "measured" });
    await waitUntil(() => seen.length === 1, "project.created at the socket", 30_000);

    const moved = async (url: string, name: string, labels: Record<string, string>, i: number) =>
      sampleValue(await scrapeMetrics(url), name, labels) - sampleValue(before[i] ?? [], name, labels);
    expect(await moved(admin.api, "spine_api_requests_total", { app: "api", procedure: "project.create", code: "OK" }, 0)).toBe(1);
    expect(await moved(admin.api, "spine_api_request_duration_seconds_count", { procedure: "workspace.create" }, 0)).toBe(1);
    // workspace.created, membership.added and project.created at least; the relay published them before the socket saw the last.
    expect(await moved(admin.worker, "spine_relay_published_total", { app: "worker" }, 1)).toBeGreaterThanOrEqual(3);
    expect(await moved(admin.gateway, "spine_gateway_connections_total", { app: "gateway" }, 2)).toBeGreaterThanOrEqual(1);
    expect(await moved(admin.gateway, "spine_gateway_deliveries_total", { app: "gateway" }, 2)).toBeGreaterThanOrEqual(1);
    const gateway = await scrapeMetrics(admin.gateway);
    expect(sampleValue(gateway, "spine_gateway_subscriptions")).toBeGreaterThanOrEqual(1);
    for (const url of Object.values(admin)) expect((await fetch(`${url}/readyz`)).status).toBe(200);
    // The public gateway port no longer serves metrics.
    expect((await fetch(`${gatewayUrl}/metrics`)).status).toBe(404);
  });

  it("signing out through tRPC refuses the session's token at the gateway and cuts off its open socket", async () => {
    const carol = await signUp("carol");
    const { workspace } = await carol.api.workspace.create.mutate({ name: "Solo" });
    const errors: string[] = [];
    carol.realtime.onError((e) => errors.push(e.code));
    await carol.realtime.subscribe(workspace.id);
    expect(carol.realtime.connected).toBe(true);

    await carol.api.auth.signOut.mutate({ everywhere: false });
    // The API refuses the token now; so does the gateway, for new handshakes and the open socket.
    await expect(carol.api.auth.me.query()).rejects.toThrow();
    const fresh = new TestSocket(gatewayUrl, carol.session.accessToken);
    await waitUntil(() => fresh.connectError !== null || fresh.socket.connected, "handshake outcome");
    expect(fresh.socket.connected).toBe(false);
    expect(fresh.connectError?.data).toEqual({ code: "UNAUTHENTICATED", reason: "revoked" });
    fresh.close();
    await waitUntil(() => !carol.realtime.connected && errors.includes("UNAUTHENTICATED"), "the open socket cut off and its reconnect refused");
  });

  it("removing a member through tRPC cuts off that member only; a reconnect after 100 commits gets all of them in order", async () => {
    const ownerSeen: string[] = [];
    const bobSeen: string[] = [];
    const bobEnded: SubscriptionEnded[] = [];
    onTestFailed(async () => {
      console.error(`owner saw ${ownerSeen.length}, bob saw ${bobSeen.length}, bob ended ${bobEnded.length}`);
      console.error(`owner missing: ${created.filter((n) => !ownerSeen.includes(n)).join(",")}; owner cursor ${owner.realtime.cursor(workspace.id)}`);
      console.error(await diagnostics());
    });
    const owner = await signUp("owner");
    const created: string[] = [];
    const bob = await signUp("bob");
    const { workspace } = await owner.api.workspace.create.mutate({ name: "Team" });
    const membership = await owner.api.member.add.mutate({ workspaceId: workspace.id, email: bob.email, roleKey: "member" });

    owner.realtime.on("project.created", (env) => ownerSeen.push(env.payload.name));
    bob.realtime.on("project.created", (env) => bobSeen.push(env.payload.name));
    bob.realtime.onSubscriptionEnded((e) => bobEnded.push(e));
    await owner.realtime.subscribe(workspace.id);
    await bob.realtime.subscribe(workspace.id);

    await owner.api.project.create.mutate({ workspaceId: workspace.id, name: "shared" });
    await waitUntil(() => ownerSeen.length === 1 && bobSeen.length === 1, "shared project at both");

    await owner.api.member.remove.mutate({ workspaceId: workspace.id, membershipId: membership.membershipId });
    await waitUntil(() => bobEnded.length === 1, "bob's subscription ended");
    expect(bobEnded[0]).toEqual({ workspaceId: workspace.id, reason: "membership_removed" });

    owner.realtime.disconnect();
    for (let i = 0; i < 100; i++) {
      const name = `after-${i}`;
      await owner.api.project.create.mutate({ workspaceId: workspace.id, name });
      created.push(name);
    }
    owner.realtime.connect();
    await waitUntil(() => ownerSeen.length === 101, "the 100 projects after reconnect", 120_000);
    expect(ownerSeen).toEqual(["shared", ...created]);
    expect(bobSeen).toEqual(["shared"]);
    await expect(bob.realtime.subscribe(workspace.id)).rejects.toMatchObject({ code: "FORBIDDEN" });
  }, 180_000);
});
