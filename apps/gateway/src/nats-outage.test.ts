import { randomUUID } from "node:crypto";
import { StorageType } from "@nats-io/jetstream";
import { createRealtimeClient } from "@spine/client";
import { startNatsServer } from "@spine/testing";
import { describe, expect } from "vitest";
import type { Gateway } from "./gateway.ts";
import { gatewayTest } from "./test-support/fixtures.ts";
import { waitUntil } from "./test-support/wait-until.ts";

// This file stops NATS, so it runs its own nats-server.
const it = gatewayTest
  // eslint-disable-next-line no-empty-pattern
  .extend("natsServer", { scope: "file" }, async ({}, { onCleanup }) => {
    const server = await startNatsServer();
    onCleanup(() => server.dispose());
    return server;
  })
  .override("natsUrl", { scope: "file" }, ({ natsServer }) => natsServer.url)
  .override("streamOptions", { scope: "file" }, { stream: { storage: StorageType.File } });

const ready = (gateway: Gateway) => fetch(`${gateway.url}/readyz`).then((r) => r.status);

describe("NATS outage", () => {
  it("reports not ready while NATS is down and delivers everything, in order, once it is back", async ({ h, gateway, natsServer }) => {
    const user = await h.seed.user("patient");
    const ws = await h.seed.workspace(user.id);
    await h.seed.addMember(ws, user.id);
    const client = createRealtimeClient({ url: gateway.url, getToken: () => h.token(user.id) });
    const seen: string[] = [];
    client.on("project.created", (env) => seen.push(env.payload.name));
    await client.subscribe(ws);
    await h.publishProjects(ws, 3, "before");
    await waitUntil(() => seen.length === 3, "events before the outage");

    await natsServer.stop();
    await waitUntil(async () => (await ready(gateway)) === 503, "not ready during the outage");
    expect(client.connected).toBe(true);

    await natsServer.start();
    await waitUntil(async () => (await ready(gateway)) === 200, "ready again");
    // JetStream recovers its streams a moment after the server accepts connections.
    await h.publish(ws, "project.created", { project_id: randomUUID(), name: "after-0" }, { retryForMs: 30_000 });
    for (let i = 1; i < 5; i++) await h.publish(ws, "project.created", { project_id: randomUUID(), name: `after-${i}` });
    await waitUntil(() => seen.length === 8, "events after the outage", 60_000);
    expect(seen).toEqual(["before-0", "before-1", "before-2", "after-0", "after-1", "after-2", "after-3", "after-4"]);
    client.close();
  });
});
