import { randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { OutboxRelay } from "@spine/bus";
import { revokeSession, type Domain } from "@spine/domain";
import { createPgPool } from "@spine/domain/reads";
import { outboxStore, outboxWakeups } from "@spine/worker/wiring";
import { pino } from "pino";
import { gatewayTest } from "./test-support/fixtures.ts";
import { TestSocket } from "./test-support/test-socket.ts";
import { waitUntil } from "./test-support/wait-until.ts";

/**
 * Sign-out cuts realtime at once: the sign-out writes `session.revoked` to the outbox in its own
 * transaction, the real outbox relay publishes it on `<prefix>._sys.session.revoked`, and every
 * gateway tailing the stream disconnects the affected sockets. The periodic session check is set to
 * ten minutes here, so only the signal can cut the sockets within the test.
 */
const it = gatewayTest
  .extend("gateways", { scope: "file" }, async ({ h }) => [await h.gateway({ sessionRecheckMs: 600_000 }), await h.gateway({ sessionRecheckMs: 600_000 })])
  // The worker's relay, wired as the worker wires it; running for every test of the file.
  .extend("relay", { scope: "file", auto: true }, async ({ h }, { onCleanup }) => {
    const systemPool = createPgPool({ connectionString: h.db.systemUrl, max: 2 });
    const logger = pino({ level: "silent" });
    const relay = new OutboxRelay({
      store: outboxStore(systemPool), wakeups: outboxWakeups(h.db.systemUrl, logger), nc: h.nc, prefix: h.prefix, pollIntervalMs: 200, logger,
    });
    onCleanup(async () => {
      await relay.stop();
      await systemPool.end();
    });
    await relay.start();
    return relay;
  });

function signOut(domain: Domain, userId: string, sessionId: string, everywhere: boolean): Promise<number> {
  return domain.run({ workspaceId: null, actorId: userId, actorType: "user", correlationId: `signout-${randomUUID()}` }, (op) =>
    revokeSession(op, userId, sessionId, everywhere),
  );
}

describe("session.revoked: sign-out cuts realtime on every gateway without waiting for the periodic check", () => {
  it("sign-out cuts that session's sockets (on both gateways) and nothing else; sign-out everywhere cuts the rest", async ({ h, gateways, domain }) => {
    const user = await h.seed.user("leaver");
    const other = await h.seed.user("stayer");
    const ws = await h.seed.workspace(user.id);
    await h.seed.addMember(ws, user.id);
    await h.seed.addMember(ws, other.id);

    const laptopSession = await h.seed.session(user.id);
    const laptopToken = await h.token(user.id, { sessionId: laptopSession });
    const phoneSession = await h.seed.session(user.id);
    const phoneToken = await h.token(user.id, { sessionId: phoneSession });
    const laptopA = await TestSocket.connected(gateways[0]!.url, laptopToken);
    const laptopB = await TestSocket.connected(gateways[1]!.url, laptopToken);
    const phone = await TestSocket.connected(gateways[1]!.url, phoneToken);
    const stayer = await TestSocket.connected(gateways[0]!.url, await h.token(other.id));
    for (const s of [laptopA, laptopB, phone, stayer]) expect(await s.subscribe(ws)).toMatchObject({ ok: true });

    expect(await signOut(domain, user.id, laptopSession, false)).toBe(1);
    await waitUntil(() => laptopA.disconnectReason !== null && laptopB.disconnectReason !== null, "the signed-out session's sockets cut on both gateways");
    expect(laptopA.disconnectReason).toBe("io server disconnect");

    const after = await h.publishProjects(ws, 3, "after-signout");
    const ids = after.map((p) => p.envelope.event_id);
    await waitUntil(() => ids.every((id) => phone.idsOf(ws).includes(id) && stayer.idsOf(ws).includes(id)), "delivery to the sockets that stay");
    for (const s of [laptopA, laptopB]) expect(s.idsOf(ws).filter((id) => ids.includes(id))).toEqual([]);
    expect(phone.disconnectReason).toBeNull();

    await signOut(domain, user.id, phoneSession, true);
    await waitUntil(() => phone.disconnectReason !== null, "sign-out everywhere cuts the user's remaining socket");
    const late = await h.publishProjects(ws, 2, "after-everywhere");
    await waitUntil(() => late.every((p) => stayer.idsOf(ws).includes(p.envelope.event_id)), "delivery to the other user");
    expect(phone.idsOf(ws).filter((id) => late.some((p) => p.envelope.event_id === id))).toEqual([]);
    expect(stayer.disconnectReason).toBeNull();
    expect(Number(gateways[0]!.metrics().sessions_revoked) + Number(gateways[1]!.metrics().sessions_revoked)).toBe(3);
    for (const s of [laptopA, laptopB, phone, stayer]) s.close();
  });
});
