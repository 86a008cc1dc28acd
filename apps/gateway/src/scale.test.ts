import { createRealtimeClient } from "@spine/client";
import { describe, expect } from "vitest";
import { gatewayTest } from "./test-support/fixtures.ts";
import { TestSocket } from "./test-support/test-socket.ts";
import { waitUntil } from "./test-support/wait-until.ts";

const it = gatewayTest.extend("gateways", { scope: "file" }, ({ h }) =>
  Promise.all([h.gateway({ instanceId: "one" }), h.gateway({ instanceId: "two" })]),
);

describe("horizontal scale", () => {
  it("clients on either of two gateways receive every event of their workspace, in order", async ({ h, gateways }) => {
    const users = await Promise.all([h.seed.user("u1"), h.seed.user("u2"), h.seed.user("u3"), h.seed.user("u4")]);
    const ws = await h.seed.workspace(users[0].id);
    for (const u of users) await h.seed.addMember(ws, u.id);
    const otherWs = await h.seed.workspace(users[0].id);
    await h.seed.addMember(otherWs, users[0].id);

    const [g1, g2] = gateways;
    const sockets = await Promise.all([
      TestSocket.connected(g1.url, await h.token(users[0].id)),
      TestSocket.connected(g1.url, await h.token(users[1].id)),
      TestSocket.connected(g2.url, await h.token(users[2].id)),
    ]);
    for (const s of sockets) expect(await s.subscribe(ws)).toMatchObject({ ok: true });
    const typed = createRealtimeClient({ url: g2.url, getToken: () => h.token(users[3].id) });
    const typedNames: string[] = [];
    typed.on("project.created", (env) => typedNames.push(env.payload.name));
    await typed.subscribe(ws);

    const published = await h.publishProjects(ws, 60, "fan");
    await h.publishProjects(otherWs, 5, "elsewhere");
    const expected = published.map((p) => p.envelope.event_id);
    await waitUntil(() => sockets.every((s) => s.events.length === 60) && typedNames.length === 60, "every event on both gateways");
    for (const s of sockets) {
      expect(s.idsOf()).toEqual(expected);
      expect(s.events.map((e) => e.cursor)).toEqual(published.map((p) => String(p.seq)));
    }
    expect(typedNames).toEqual(published.map((p) => p.envelope.payload.name));
    // Each instance reads the stream itself: both see all 65 envelopes.
    await waitUntil(() => gateways.every((g) => g.metrics().envelopes_read === 65), "both tails at the end of the stream");
    for (const s of sockets) s.close();
    typed.close();
  });
});
