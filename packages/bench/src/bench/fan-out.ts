import { fileURLToPath } from "node:url";
import { createEnvelope } from "@spine/contracts";
import { newId } from "@spine/domain";
import { createBenchEnv } from "../lib/bench-env.ts";
import { startChild, stopChild } from "../lib/child.ts";
import { commitAtRateInChild } from "../lib/commit-generator.ts";
import { CpuMeter } from "../lib/cpu.ts";
import { startRealtimeStack, until } from "../lib/realtime-setup.ts";
import { emit, emitMemory } from "../lib/report.ts";
import { connectBareFleet, connectSpineFleet, control } from "../lib/socket-fleet.ts";
import { nowMs, ratio } from "../lib/stats.ts";

const bareServer = fileURLToPath(new URL("../baseline/bare-socket-server.ts", import.meta.url));

/**
 * Fan-out: envelopes delivered per second to `clients` clients of one workspace vs the bare
 * Socket.IO broadcast ceiling, with the same client work on both sides (the event frame checked, then
 * its envelope once, against its event type's contract; no acks either side) and a relay-only worker; the commit
 * generator runs in its own process. Memory per idle connection is its own bench (`idle`, idle-memory.ts).
 */
export async function benchFanOut(options: { clients: number; events: number; rounds: number }): Promise<void> {
  const env = await createBenchEnv(1);
  const workspaceId = env.workspaceIds[0]!;
  const stack = await startRealtimeStack(env, "FAN");
  const bare = await startChild(bareServer, ["0"]);
  const bareUrl = `http://127.0.0.1:${String(bare.info.port)}`;
  try {
    const expected = options.events * options.clients;
    // Wall-clock times (they compare with the commit generator's, another process): the last delivery of each run.
    const wallNow = () => performance.timeOrigin + nowMs();
    let spineDelivered = 0;
    let bareDelivered = 0;
    let spineLastAt = 0;
    let bareLastAt = 0;
    const spineFleet = await connectSpineFleet({
      url: stack.gateway.url, token: stack.token, count: options.clients, workspaceOf: () => workspaceId,
      onEnvelope: () => {
        if (++spineDelivered === expected) spineLastAt = wallNow();
      },
    });
    const bareFleet = await connectBareFleet({
      url: bareUrl, count: options.clients, roomOf: () => "all",
      onMessage: () => {
        if (++bareDelivered === expected) bareLastAt = wallNow();
      },
    });
    const sample = createEnvelope({ type: "project.created", payload: { project_id: newId(), name: "fan" }, workspaceId, actorId: env.userId, correlationId: "bench" });

    // Rounds alternate Spine and bare Socket.IO, so a slow moment of the machine does not fall on one side
    // only; the round with the median ratio is reported, every round's ratio beside it.
    const rounds: { spine: number; bare: number; ratio: number; spineCpu: Record<string, number>; bareCpu: Record<string, number> }[] = [];
    for (let round = 0; round < options.rounds; round++) {
      spineDelivered = 0;
      bareDelivered = 0;
      const spineCpu = new CpuMeter({ gateway: stack.gateway.child.pid ?? 0, worker: stack.worker.child.pid ?? 0, postgres: "postgres", clients: "self" }).start();
      // Timed from the first commit (not from the generator process's start-up) to the last delivery.
      const commitTimes = new Map<string, number>();
      await commitAtRateInChild({ appUrl: env.db.appUrl, workspaceIds: [workspaceId], actorId: env.userId, rate: 2000, seconds: options.events / 2000, commitTimes });
      await until(() => spineDelivered >= expected, 120_000);
      const spineRate = Math.round(spineDelivered / ((spineLastAt - Math.min(...commitTimes.values())) / 1000));
      const spineCpuPerDelivery = spineCpu.perOp(spineDelivered);

      const bareCpu = new CpuMeter({ "bare-socket.io": bare.child.pid ?? 0, clients: "self" }).start();
      const t1 = wallNow();
      await control(bareUrl, "burst", { room: "all", count: options.events, payload: sample });
      await until(() => bareDelivered >= expected, 120_000);
      const bareRate = Math.round(bareDelivered / ((bareLastAt - t1) / 1000));
      rounds.push({ spine: spineRate, bare: bareRate, ratio: ratio(spineRate, bareRate), spineCpu: spineCpuPerDelivery, bareCpu: bareCpu.perOp(bareDelivered) });
    }
    const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
    emit({
      bench: "fanout", variant: `${options.clients} clients, ${options.events} events`, metric: "deliveries/s", spine: median.spine, baseline: median.bare, ratio: median.ratio, unit: "msg/s",
      extra: { rounds: rounds.map((r) => r.ratio), expected_per_round: expected, client_work: "event frame check + one envelope check, no ack, both fleets" },
      cpu: { spine: median.spineCpu, baseline: median.bareCpu },
    });

    emitMemory("fanout", { bench: "self", gateway: stack.gateway.child.pid ?? "self", worker: stack.worker.child.pid ?? "self", "bare-socket.io": bare.child.pid ?? "self" });
    for (const c of spineFleet) c.close();
    for (const s of bareFleet) s.close();
  } finally {
    await stopChild(bare.child);
    await stack.stop();
    await env.close();
  }
}
