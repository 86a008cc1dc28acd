import { fileURLToPath } from "node:url";
import { createEnvelope } from "@spine/contracts";
import { newId } from "@spine/domain";
import { createBenchEnv } from "../lib/bench-env.ts";
import { startChild, stopChild } from "../lib/child.ts";
import { commitAtRate } from "../lib/commit-generator.ts";
import { currentRssMiB, startRealtimeStack, until } from "../lib/realtime-setup.ts";
import { emit, emitMemory } from "../lib/report.ts";
import { connectBareFleet, connectSpineFleet, control } from "../lib/socket-fleet.ts";
import { nowMs, ratio } from "../lib/stats.ts";

const bareServer = fileURLToPath(new URL("../baseline/bare-socket-server.ts", import.meta.url));

/**
 * Fan-out: envelopes delivered per second to `clients` clients of one workspace vs the bare
 * Socket.IO broadcast ceiling; then memory per idle connection with `idleClients` connected.
 */
export async function benchFanOut(options: { clients: number; events: number; idleClients: number }): Promise<void> {
  const env = await createBenchEnv(1);
  const workspaceId = env.workspaceIds[0]!;
  const stack = await startRealtimeStack(env, "FAN");
  const bare = await startChild(bareServer, ["0"]);
  const bareUrl = `http://127.0.0.1:${String(bare.info.port)}`;
  try {
    let spineDelivered = 0;
    let bareDelivered = 0;
    const gatewayBefore = currentRssMiB(stack.gateway.child.pid);
    const bareBefore = currentRssMiB(bare.child.pid);
    const spineFleet = await connectSpineFleet({ url: stack.gateway.url, token: stack.token, count: options.clients, workspaceOf: () => workspaceId, onEnvelope: () => spineDelivered++ });
    const bareFleet = await connectBareFleet({ url: bareUrl, count: options.clients, roomOf: () => "all", onMessage: () => bareDelivered++ });

    const expected = options.events * options.clients;
    const t0 = nowMs();
    await commitAtRate({ appUrl: env.db.appUrl, workspaceIds: [workspaceId], actorId: env.userId, rate: 2000, seconds: options.events / 2000, commitTimes: new Map() });
    await until(() => spineDelivered >= expected, 120_000);
    const spineRate = Math.round(spineDelivered / ((nowMs() - t0) / 1000));

    const sample = createEnvelope({ type: "project.created", payload: { project_id: newId(), name: "fan" }, workspaceId, actorId: env.userId, correlationId: "bench" });
    const t1 = nowMs();
    await control(bareUrl, "burst", { room: "all", count: options.events, payload: sample });
    await until(() => bareDelivered >= expected, 120_000);
    const bareRate = Math.round(bareDelivered / ((nowMs() - t1) / 1000));
    emit({ bench: "fanout", variant: `${options.clients} clients, ${options.events} events`, metric: "deliveries/s", spine: spineRate, baseline: bareRate, ratio: ratio(spineRate, bareRate), unit: "msg/s", extra: { spine_delivered: spineDelivered, bare_delivered: bareDelivered, expected } });

    // Idle connections: top the fleets up to idleClients and compare resident memory per connection.
    const moreSpine = await connectSpineFleet({ url: stack.gateway.url, token: stack.token, count: options.idleClients - options.clients, workspaceOf: () => workspaceId, onEnvelope: () => undefined });
    const moreBare = await connectBareFleet({ url: bareUrl, count: options.idleClients - options.clients, roomOf: () => "all", onMessage: () => undefined });
    await new Promise((r) => setTimeout(r, 2000));
    const spinePerConn = Math.round(((currentRssMiB(stack.gateway.child.pid) - gatewayBefore) * 1024) / options.idleClients);
    const barePerConn = Math.round(((currentRssMiB(bare.child.pid) - bareBefore) * 1024) / options.idleClients);
    emit({ bench: "fanout", variant: `${options.idleClients} idle connections`, metric: "memory/connection", spine: spinePerConn, baseline: barePerConn, ratio: ratio(spinePerConn, barePerConn), unit: "KiB" });
    emitMemory("fanout", { bench: "self", gateway: stack.gateway.child.pid ?? "self", worker: stack.worker.child.pid ?? "self", "bare-socket.io": bare.child.pid ?? "self" });
    for (const c of [...spineFleet, ...moreSpine]) c.close();
    for (const s of [...bareFleet, ...moreBare]) s.close();
  } finally {
    await stopChild(bare.child);
    await stack.stop();
    await env.close();
  }
}
