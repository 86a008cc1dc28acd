import { randomUUID } from "node:crypto";
import { sampleValue, scrapeMetrics } from "@spine/metrics";
import { createRealtimeClient, createSpineClient, type RealtimeClient, type SubscriptionEnded } from "@spine/client";
import type { EnvelopeOf } from "@spine/contracts";
import { AppProcess, freePort, testKeyRingSpec } from "@spine/testing";
import { dbNatsTest } from "@spine/testing/fixtures";
import { describe, expect, onTestFailed } from "vitest";
import { TestSocket } from "./test-support/test-socket.ts";
import { TEST_TOKEN_SECRET } from "./test-support/gateway-harness.ts";
import { waitUntil } from "./test-support/wait-until.ts";

interface Stack {
  apps: AppProcess[];
  apiUrl: string;
  gatewayUrl: string;
  /** Each app's admin endpoint (`/metrics`, `/readyz`). */
  admin: { api: string; worker: string; gateway: string };
}

// api, worker (outbox relay) and gateway as real processes over real Postgres and NATS: the file's
// database and events stream names.
const it = dbNatsTest
  .extend("stack", { scope: "file" }, async ({ db, natsNames: names, natsUrl, jsm }, { onCleanup }): Promise<Stack> => {
    const [apiPort, workerPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
    const [apiAdminPort, gatewayAdminPort] = [await freePort(), await freePort()];
    const shared = {
      DATABASE_URL: db.ownerUrl,
      NATS_URL: natsUrl,
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
    const apps = [worker, api, gateway];
    const stop = async () => {
      await Promise.allSettled(apps.map((a) => a.stop()));
      await jsm.streams.delete(names.stream).catch(() => false);
    };
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const admin = { api: `http://127.0.0.1:${apiAdminPort}`, worker: `http://127.0.0.1:${workerPort}`, gateway: `http://127.0.0.1:${gatewayAdminPort}` };
    try {
      await worker.waitForHttp(`http://127.0.0.1:${workerPort}/healthz`);
      await api.waitForHttp(`${apiUrl}/readyz`);
      await gateway.waitForHttp(`${gatewayUrl}/readyz`);
    } catch (err) {
      // A fixture that throws is not cleaned up: stop what started.
      await stop();
      throw err;
    }
    onCleanup(stop);
    return { apps, apiUrl, gatewayUrl, admin };
  })
  /** A new account signed up through tRPC, with its API client and realtime client (closed after the file). */
  .extend("signUp", { scope: "file" }, ({ stack: { apiUrl, gatewayUrl } }, { onCleanup }) => {
    const clients: RealtimeClient[] = [];
    onCleanup(() => {
      for (const c of clients) c.close();
    });
    return (name: string) => signUp(apiUrl, gatewayUrl, clients, name);
  });

async function signUp(apiUrl: string, gatewayUrl: string, clients: RealtimeClient[], name: string) {
  const anonymous = createSpineClient({ url: `${apiUrl}/trpc` });
  const email = `${name}-${randomUUID().slice(0, 8)}@example.test`;
  const session = await anonymous.auth.signUp.mutate({ email, password: "correct horse battery", displayName: name });
  const api = createSpineClient({ url: `${apiUrl}/trpc`, token: session.accessToken });
  const realtime = createRealtimeClient({ url: gatewayUrl, getToken: () => session.accessToken, reconnectDelayMs: 50 });
  clients.push(realtime);
  return { email, session, api, realtime };
}

async function diagnostics({ admin, apps }: Stack): Promise<string> {
  const metrics = await fetch(`${admin.gateway}/metrics`).then((r) => r.text(), (err: unknown) => String(err));
  return [`gateway metrics: ${metrics}`, ...apps.map((a) => `--- ${a.name} output ---\n${a.output}`)].join("\n");
}

describe("end to end: tRPC mutation → outbox → relay → JetStream → gateway → socket", () => {
  it("a project created through tRPC reaches a subscribed member with the request's correlation id", async ({ signUp }) => {
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
    // The first test starts the stack (three app processes), as the file's beforeAll did with this budget.
  }, 120_000);

  it("every app's admin port serves Prometheus series that moved with the traffic", async ({ signUp, stack: { admin, gatewayUrl } }) => {
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

  it("signing out through tRPC refuses the session's token at the gateway and cuts off its open socket", async ({ signUp, stack: { gatewayUrl } }) => {
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

  it("removing a member through tRPC cuts off that member only; a reconnect after 100 commits gets all of them in order", async ({ signUp, stack }) => {
    const ownerSeen: string[] = [];
    const bobSeen: string[] = [];
    const bobEnded: SubscriptionEnded[] = [];
    onTestFailed(async () => {
      console.error(`owner saw ${ownerSeen.length}, bob saw ${bobSeen.length}, bob ended ${bobEnded.length}`);
      console.error(`owner missing: ${created.filter((n) => !ownerSeen.includes(n)).join(",")}; owner cursor ${owner.realtime.cursor(workspace.id)}`);
      console.error(await diagnostics(stack));
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
