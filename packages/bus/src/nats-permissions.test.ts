import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { PermissionViolationError, type NatsConnection } from "@nats-io/nats-core";
import { INFRA_NATS_DIR, startSpineNats, type SpineNatsUser } from "@spine/testing";
import { describe, expect, test } from "vitest";
import { ensureDurableConsumer } from "./consumers.ts";
import { renderNatsUsers } from "./nats-auth.ts";
import { connectNats } from "./nats-connection.ts";
import { publishEnvelope } from "./publisher.ts";
import { ensureEventsStream, ensureGatewayMirror } from "./streams.ts";
import { projectCreated } from "./test-support/project-created.ts";
import { waitUntil } from "./test-support/wait-until.ts";

// infra/nats/nats-server.conf + users.conf on a server of this file's own, with production names
// (EVENTS, EVENTS_GATEWAY, evt): every refusal below is the server's, reported as a permission violation.
const WORKER_DURABLES = ["usage-metering", "ai-document-ingestion", "integration-events"];
const WORKER_JOBS = { stream: "JOBS", prefix: "job", durables: ["integration-sync"] };
const it = test
  /** The server of this file, with infra/nats's configuration; disposed after the file. */
  // eslint-disable-next-line no-empty-pattern
  .extend("nats", { scope: "file" }, async ({}, { onCleanup }) => {
    const nats = await startSpineNats();
    onCleanup(() => nats.dispose());
    return nats;
  })
  /** Connect to it as one of its users; every such connection is closed after the file. */
  .extend("connectAs", { scope: "file" }, ({ nats }, { onCleanup }) => {
    const connections: NatsConnection[] = [];
    onCleanup(async () => {
      await Promise.all(connections.map((nc) => nc.close().catch(() => undefined)));
    });
    return async (user: SpineNatsUser): Promise<NatsConnection> => {
      const nc = await connectNats({ servers: nats.server.url, name: `${user}-test`, user, pass: nats.passwords[user] });
      connections.push(nc);
      return nc;
    };
  });

/** The next permission violation the server reports on this connection. */
async function nextViolation(nc: NatsConnection): Promise<PermissionViolationError> {
  for await (const s of nc.status()) {
    if (s.type === "error" && s.error instanceof PermissionViolationError) return s.error;
  }
  throw new Error("connection closed without a permission violation");
}

/** Run `attempt` and return the violation it caused (the attempt itself may throw or time out). */
async function refused(nc: NatsConnection, attempt: () => unknown): Promise<{ operation: string; subject: string }> {
  const violation = nextViolation(nc);
  await Promise.resolve()
    .then(attempt)
    .catch(() => undefined);
  const err = await violation;
  return { operation: err.operation, subject: err.subject };
}

const request = (nc: NatsConnection, subject: string, body: unknown = {}) => nc.request(subject, JSON.stringify(body), { timeout: 1_500 });

describe("infra/nats users.conf", () => {
  it("is what renderNatsUsers writes with no tools granted (regenerate with `spine tools sync`)", async () => {
    const committed = await readFile(join(INFRA_NATS_DIR, "users.conf"), "utf8");
    expect(committed).toBe(
      renderNatsUsers({ stream: "EVENTS", gatewayStream: "EVENTS_GATEWAY", prefix: "evt", workerDurables: WORKER_DURABLES, workerJobs: WORKER_JOBS, tools: [] }),
    );
  });
});

describe("infra/nats/nats-server.conf: each service can do its job and nothing else", () => {
  it("relay, worker and gateway do their jobs; each refusal is the server's", async ({ connectAs }) => {
    const worker = await connectAs("worker");
    const wjsm = await jetstreamManager(worker);
    // Worker: creates the stream and the gateway's mirror, and its own durable consumer.
    await ensureEventsStream(wjsm, {});
    await ensureGatewayMirror(wjsm, {});
    await ensureDurableConsumer(wjsm, { stream: "EVENTS", durable: "usage-metering", filterSubject: "evt.>", maxDeliver: 5, ackWaitMs: 30_000, maxAckPending: 100 });

    // Relay: publishes an event.
    const relay = await connectAs("relay");
    const ws = randomUUID();
    const env = projectCreated(ws);
    const ack = await publishEnvelope(jetstream(relay), env, { prefix: "evt" });
    expect(ack.stream).toBe("EVENTS");

    // Worker: pulls and acks its own consumer.
    const mine = await jetstream(worker).consumers.get("EVENTS", "usage-metering");
    const msg = await mine.next({ expires: 5_000 });
    expect(msg?.json<{ event_id: string }>().event_id).toBe(env.event_id);
    expect(await msg?.ackAck()).toBe(true);

    // Gateway: reads the mirror (same sequence) with an ephemeral and an ordered consumer, then deletes its ephemeral.
    const gateway = await connectAs("gateway");
    const gjsm = await jetstreamManager(gateway);
    await waitUntil(async () => (await gjsm.streams.info("EVENTS_GATEWAY")).state.last_seq === ack.seq, "the mirror to copy the event");
    const ephemeral = await gjsm.consumers.add("EVENTS_GATEWAY", { ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All, filter_subject: `evt.${ws}.>` });
    const replayed = await jetstream(gateway).consumers.getConsumerFromInfo(ephemeral).next({ expires: 5_000 });
    expect(replayed?.seq).toBe(ack.seq);
    const ordered = await jetstream(gateway).consumers.get("EVENTS_GATEWAY", { filter_subjects: "evt.>" });
    expect((await ordered.next({ expires: 5_000 }))?.seq).toBe(ack.seq);
    expect(await gjsm.consumers.delete("EVENTS_GATEWAY", ephemeral.name)).toBe(true);

    // --- refusals ---
    const other = `evt.${randomUUID()}.project.created`;
    // The relay publishes evt.> and nothing else: no JetStream API, no subscriptions, not even replies of others.
    expect(await refused(relay, () => request(relay, "$JS.API.STREAM.PURGE.EVENTS"))).toEqual({ operation: "publish", subject: "$JS.API.STREAM.PURGE.EVENTS" });
    expect(await refused(relay, () => relay.subscribe("evt.>"))).toEqual({ operation: "subscription", subject: "evt.>" });
    expect(await refused(relay, () => relay.subscribe("_INBOX.>"))).toEqual({ operation: "subscription", subject: "_INBOX.>" });

    // The worker publishes no events, deletes no stream, and touches no consumer but its own.
    expect(await refused(worker, () => worker.publish(other, "{}"))).toEqual({ operation: "publish", subject: other });
    expect(await refused(worker, () => wjsm.streams.delete("EVENTS"))).toMatchObject({ subject: "$JS.API.STREAM.DELETE.EVENTS" });
    expect(await refused(worker, () => wjsm.streams.purge("EVENTS"))).toMatchObject({ subject: "$JS.API.STREAM.PURGE.EVENTS" });
    const intruder = await refused(worker, () => wjsm.consumers.add("EVENTS", { durable_name: "tool_intruder", ack_policy: AckPolicy.Explicit }));
    expect(intruder.subject).toMatch(/^\$JS\.API\.CONSUMER\.(DURABLE\.)?CREATE\.EVENTS\.tool_intruder/);
    expect(await refused(worker, () => request(worker, "$JS.API.CONSUMER.MSG.NEXT.EVENTS.tool_report", { batch: 1 }))).toMatchObject({
      subject: "$JS.API.CONSUMER.MSG.NEXT.EVENTS.tool_report",
    });
    expect(await refused(worker, () => worker.publish("$JS.ACK.EVENTS.tool_report.1.1.1.1.0", "+ACK"))).toMatchObject({ subject: "$JS.ACK.EVENTS.tool_report.1.1.1.1.0" });
    expect(await refused(worker, () => wjsm.consumers.delete("EVENTS", "usage-metering"))).toMatchObject({ subject: "$JS.API.CONSUMER.DELETE.EVENTS.usage-metering" });
    expect(await refused(worker, () => worker.subscribe("_INBOX.>"))).toMatchObject({ operation: "subscription" });

    // The gateway reads only its mirror: it cannot touch EVENTS or the worker's consumer, change its mirror, or publish.
    expect(await refused(gateway, () => gjsm.consumers.delete("EVENTS", "usage-metering"))).toMatchObject({ subject: "$JS.API.CONSUMER.DELETE.EVENTS.usage-metering" });
    expect(await refused(gateway, () => request(gateway, "$JS.API.CONSUMER.MSG.NEXT.EVENTS.usage-metering", { batch: 1 }))).toMatchObject({
      subject: "$JS.API.CONSUMER.MSG.NEXT.EVENTS.usage-metering",
    });
    expect((await refused(gateway, () => gjsm.consumers.add("EVENTS", { ack_policy: AckPolicy.None }))).subject).toMatch(/^\$JS\.API\.CONSUMER\.CREATE\.EVENTS(\.|$)/);
    expect(await refused(gateway, () => gjsm.streams.getMessage("EVENTS", { seq: ack.seq }))).toMatchObject({ subject: "$JS.API.STREAM.MSG.GET.EVENTS" });
    expect(await refused(gateway, () => gjsm.streams.purge("EVENTS_GATEWAY"))).toMatchObject({ subject: "$JS.API.STREAM.PURGE.EVENTS_GATEWAY" });
    expect(await refused(gateway, () => gjsm.streams.delete("EVENTS_GATEWAY"))).toMatchObject({ subject: "$JS.API.STREAM.DELETE.EVENTS_GATEWAY" });
    expect(await refused(gateway, () => gateway.publish(other, "{}"))).toEqual({ operation: "publish", subject: other });
    expect(await refused(gateway, () => gateway.subscribe("evt.>"))).toEqual({ operation: "subscription", subject: "evt.>" });
    expect(await refused(gateway, () => gateway.subscribe("_INBOX_worker.>"))).toEqual({ operation: "subscription", subject: "_INBOX_worker.>" });

    // The api publishes live agent steps (the gateway may subscribe to them) and nothing else.
    const api = await connectAs("api");
    const steps: string[] = [];
    gateway.subscribe("astream.>", {
      callback: (_err, m) => {
        steps.push(m.subject);
      },
    });
    await gateway.flush();
    api.publish(`astream.${ws}.run1`, "{}");
    await waitUntil(async () => steps.length === 1, "the gateway to receive a live agent step");
    expect(await refused(api, () => api.publish(other, "{}"))).toEqual({ operation: "publish", subject: other });
    expect(await refused(api, () => api.subscribe("astream.>"))).toEqual({ operation: "subscription", subject: "astream.>" });

    // Nothing above changed the stream or the worker's consumer.
    const state = (await wjsm.streams.info("EVENTS")).state;
    expect(state).toMatchObject({ messages: 1, last_seq: ack.seq });
    expect((await wjsm.consumers.info("EVENTS", "usage-metering")).num_ack_pending).toBe(0);
  });

  it("a wrong password is refused", async ({ nats }) => {
    await expect(connectNats({ servers: nats.server.url, name: "intruder", user: "worker", pass: "wrong" }).then((nc) => nc.close())).rejects.toThrow();
  });
});
