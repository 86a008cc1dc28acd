import { randomUUID } from "node:crypto";
import { StorageType } from "@nats-io/jetstream";
import { createRealtimeClient } from "@spine/client";
import { startNatsServer, type NatsServerProcess } from "@spine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "./gateway.ts";
import { GatewayHarness } from "./test-support/gateway-harness.ts";
import { waitUntil } from "./test-support/wait-until.ts";

// This file stops NATS, so it runs its own nats-server.
let nats: NatsServerProcess;
let h: GatewayHarness;
let gateway: Gateway;

beforeAll(async () => {
  nats = await startNatsServer();
  h = await GatewayHarness.start("gwoutage", { natsUrl: nats.url, stream: { storage: StorageType.File } });
  gateway = await h.gateway();
});
afterAll(async () => {
  await h.close();
  await nats.dispose();
});

const ready = () => fetch(`${gateway.url}/readyz`).then((r) => r.status);

describe("NATS outage", () => {
  it("reports not ready while NATS is down and delivers everything, in order, once it is back", async () => {
    const user = await h.seed.user("patient");
    const ws = await h.seed.workspace(user.id);
    await h.seed.addMember(ws, user.id);
    const client = createRealtimeClient({ url: gateway.url, getToken: () => h.token(user.id) });
    const seen: string[] = [];
    client.on("project.created", (env) => seen.push(env.payload.name));
    await client.subscribe(ws);
    await h.publishProjects(ws, 3, "before");
    await waitUntil(() => seen.length === 3, "events before the outage");

    await nats.stop();
    await waitUntil(async () => (await ready()) === 503, "not ready during the outage");
    expect(client.connected).toBe(true);

    await nats.start();
    await waitUntil(async () => (await ready()) === 200, "ready again");
    // JetStream recovers its streams a moment after the server accepts connections.
    await h.publish(ws, "project.created", { project_id: randomUUID(), name: "after-0" }, { retryForMs: 30_000 });
    for (let i = 1; i < 5; i++) await h.publish(ws, "project.created", { project_id: randomUUID(), name: `after-${i}` });
    await waitUntil(() => seen.length === 8, "events after the outage", 60_000);
    expect(seen).toEqual(["before-0", "before-1", "before-2", "after-0", "after-1", "after-2", "after-3", "after-4"]);
    client.close();
  });
});
