import { randomUUID } from "node:crypto";
import { AccessTokenService } from "@spine/auth";
import { createRealtimeClient, type RealtimeError } from "@spine/client";
import { describe, expect } from "vitest";
import type { Gateway } from "./gateway.ts";
import { gatewayTest } from "./test-support/fixtures.ts";
import { TestSocket } from "./test-support/test-socket.ts";
import { waitUntil } from "./test-support/wait-until.ts";

const it = gatewayTest.override("gatewayOptions", { scope: "file" }, { refreshLeadMs: 1_500, sessionRecheckMs: 300 });

async function refused(gateway: Gateway, token: string | null): Promise<unknown> {
  const s = new TestSocket(gateway.url, token);
  await waitUntil(() => s.connectError !== null || s.socket.connected, "handshake outcome");
  expect(s.socket.connected).toBe(false);
  s.close();
  return s.connectError?.data;
}

describe("handshake authentication", () => {
  it("refuses missing, forged, expired and revoked tokens", async ({ h, gateway }) => {
    const user = await h.seed.user("mallory");
    expect(await refused(gateway, null)).toEqual({ code: "UNAUTHENTICATED", reason: "missing_token" });
    expect(await refused(gateway, "not-a-jwt")).toEqual({ code: "UNAUTHENTICATED", reason: "invalid" });
    const otherKey = new AccessTokenService({ secret: "some-other-secret-that-is-long-enough" });
    const forged = (await otherKey.sign({ userId: user.id, tokenVersion: 0, sessionId: randomUUID() })).token;
    expect(await refused(gateway, forged)).toEqual({ code: "UNAUTHENTICATED", reason: "invalid" });
    expect(await refused(gateway, await h.token(user.id, { ttlSeconds: -5 }))).toEqual({ code: "UNAUTHENTICATED", reason: "expired" });
    expect(await refused(gateway, await h.token(randomUUID(), { sessionId: randomUUID() }))).toEqual({ code: "UNAUTHENTICATED", reason: "revoked" });
    const stale = await h.token(user.id);
    await h.seed.bumpTokenVersion(user.id);
    expect(await refused(gateway, stale)).toEqual({ code: "UNAUTHENTICATED", reason: "revoked" });
    expect(gateway.metrics().auth_rejected).toBeGreaterThanOrEqual(6);
  });

  it("authenticates every reconnect again", async ({ h, gateway }) => {
    const user = await h.seed.user("again");
    const ws = await h.seed.workspace(user.id);
    await h.seed.addMember(ws, user.id);
    let token = await h.token(user.id);
    const errors: RealtimeError[] = [];
    const client = createRealtimeClient({ url: gateway.url, getToken: () => token, reconnectDelayMs: 50 });
    client.onError((e) => errors.push(e));
    await client.subscribe(ws);
    client.disconnect();
    await h.seed.bumpTokenVersion(user.id);
    client.connect();
    await waitUntil(() => errors.some((e) => e.code === "UNAUTHENTICATED"), "the reconnect refused");
    expect(client.connected).toBe(false);
    token = await h.token(user.id, { tokenVersion: 1 });
    client.connect();
    await waitUntil(() => client.connected, "reconnected with a current token");
    client.close();
  });
});

describe("revocation of open sockets", () => {
  it("disconnects the open sockets of a user signed out everywhere (token_version bumped)", async ({ h, gateway }) => {
    const user = await h.seed.user("signout");
    const other = await h.seed.user("bystander");
    const a = await TestSocket.connected(gateway.url, await h.token(user.id));
    const b = await TestSocket.connected(gateway.url, await h.token(user.id));
    const c = await TestSocket.connected(gateway.url, await h.token(other.id));
    await h.seed.bumpTokenVersion(user.id);
    await waitUntil(() => a.disconnectReason !== null && b.disconnectReason !== null, "both of the user's sockets cut off");
    expect(a.disconnectReason).toBe("io server disconnect");
    expect(c.socket.connected).toBe(true);
    expect(gateway.metrics().sessions_revoked).toBeGreaterThanOrEqual(2);
    c.close();
  });
});

describe("signed-out sessions", () => {
  it("refuses a signed-out session's token at the handshake and on refresh, and cuts off its open sockets only", async ({ h, gateway }) => {
    const user = await h.seed.user("signedout");
    const ws = await h.seed.workspace(user.id);
    await h.seed.addMember(ws, user.id);
    const laptopSession = await h.seed.session(user.id);
    const laptopToken = await h.token(user.id, { sessionId: laptopSession });
    const laptop = await TestSocket.connected(gateway.url, laptopToken);
    const phone = await TestSocket.connected(gateway.url, await h.token(user.id));
    for (const s of [laptop, phone]) expect(await s.subscribe(ws)).toMatchObject({ ok: true });
    const revokedBefore = Number(gateway.metrics().sessions_revoked);

    // A normal sign-out, as the API's signOut does it: revoked_at set, token_version untouched.
    await h.seed.signOut(laptopSession);
    expect(await refused(gateway, laptopToken)).toEqual({ code: "UNAUTHENTICATED", reason: "revoked" });
    expect(await refused(gateway, await h.token(user.id, { sessionId: randomUUID() }))).toEqual({ code: "UNAUTHENTICATED", reason: "revoked" });
    await waitUntil(() => laptop.disconnectReason !== null, "the signed-out session's socket cut off");
    expect(laptop.disconnectReason).toBe("io server disconnect");
    expect(Number(gateway.metrics().sessions_revoked)).toBeGreaterThan(revokedBefore);

    // The other session of the same user keeps its socket, and may not refresh onto the signed-out one.
    expect(phone.socket.connected).toBe(true);
    expect(await phone.request("auth.refresh", { token: laptopToken })).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
    const marker = await h.publish(ws, "project.created", { project_id: randomUUID(), name: "after sign-out" });
    await waitUntil(() => phone.idsOf(ws).includes(marker.envelope.event_id), "delivery to the other session");
    expect(laptop.idsOf(ws)).toEqual([]);
    phone.close();
  });
});

describe("token expiry", () => {
  it("disconnects a socket whose token expires without refresh", async ({ h, gateway }) => {
    const user = await h.seed.user("expiring");
    const ws = await h.seed.workspace(user.id);
    await h.seed.addMember(ws, user.id);
    const s = await TestSocket.connected(gateway.url, await h.token(user.id, { ttlSeconds: 2 }));
    await s.subscribe(ws);
    await waitUntil(() => s.expiring.length === 1, "auth.expiring");
    await waitUntil(() => s.disconnectReason !== null, "disconnect at expiry", 10_000);
    expect(s.disconnectReason).toBe("io server disconnect");
    expect(gateway.metrics().token_expiry_disconnects).toBeGreaterThanOrEqual(1);
  });

  it("keeps a socket that refreshes its token, and refuses a refresh for another user", async ({ h, gateway }) => {
    const user = await h.seed.user("refresher");
    const other = await h.seed.user("other");
    const ws = await h.seed.workspace(user.id);
    await h.seed.addMember(ws, user.id);
    const first = await h.token(user.id, { ttlSeconds: 2 });
    const s = await TestSocket.connected(gateway.url, first);
    await s.subscribe(ws);
    expect(await s.request("auth.refresh", { token: await h.token(other.id) })).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
    expect(await s.request("auth.refresh", { token: "garbage" })).toMatchObject({ ok: false });
    const ack = (await s.request("auth.refresh", { token: await h.token(user.id, { ttlSeconds: 60 }) })) as { ok: boolean };
    expect(ack.ok).toBe(true);
    const firstExpiry = (await h.tokens.verify(first)).expiresAt.getTime();
    await waitUntil(() => Date.now() > firstExpiry + 1_000, "past the first token's expiry");
    const marker = await h.publish(ws, "project.created", { project_id: randomUUID(), name: "still here" });
    await waitUntil(() => s.events.length === 1, "event after the old expiry");
    expect(s.idsOf()).toEqual([marker.envelope.event_id]);
    expect(s.disconnectReason).toBeNull();
    s.close();
  });

  it("the realtime client refreshes by itself when warned", async ({ h, gateway }) => {
    const user = await h.seed.user("auto");
    const ws = await h.seed.workspace(user.id);
    await h.seed.addMember(ws, user.id);
    let calls = 0;
    const client = createRealtimeClient({
      url: gateway.url,
      getToken: () => h.token(user.id, { ttlSeconds: calls++ === 0 ? 2 : 60 }),
    });
    const names: string[] = [];
    client.on("project.created", (env) => names.push(env.payload.name));
    await client.subscribe(ws);
    await waitUntil(() => calls >= 2, "refresh asked for a new token");
    const deadline = Date.now() + 3_000;
    await waitUntil(() => Date.now() > deadline, "past the first token's expiry");
    await h.publish(ws, "project.created", { project_id: randomUUID(), name: "after refresh" });
    await waitUntil(() => names.length === 1, "event");
    expect(calls).toBe(2);
    client.close();
  });
});
