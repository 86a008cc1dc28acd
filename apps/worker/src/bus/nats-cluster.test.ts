import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { startNatsCluster } from "@spine/testing";
import { busTest } from "./test-support/bus-fixtures.ts";
import { pino } from "pino";
import { describe, expect } from "vitest";
import { effectCounts, effectsHandler } from "./test-support/effects-table.ts";
import { commitEvents } from "./test-support/outbox-events.ts";
import { streamEventIds } from "./test-support/stream-contents.ts";
import { waitUntil } from "./test-support/wait-until.ts";
import { jobLedger, outboxStore, outboxWakeups } from "../wiring.ts";
import { ConsumerRunner, OutboxRelay, connectNats, ensureEventsStream } from "@spine/bus";

const CONFIG = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "infra", "nats", "cluster.conf");
const secret = () => `p${randomBytes(12).toString("hex")}`;
const passwords = {
  SPINE_NATS_RELAY_PASSWORD: secret(), SPINE_NATS_WORKER_PASSWORD: secret(), SPINE_NATS_GATEWAY_PASSWORD: secret(), SPINE_NATS_API_PASSWORD: secret(),
  SPINE_NATS_OPERATOR_PASSWORD: secret(),
};
// The cluster is this file's own, so it uses the production prefix the relay user may publish on.
const PREFIX = "evt";
const BATCHES = 40;
const PER_TX = 25;

// This file kills NATS nodes, so it runs its own 3-node cluster (`cluster`, disposed after the file; `natsUrl` its
// nodes). The relay publishes as infra/nats's `relay` (`relayNc`); the test's own consumer and checks use `operator`
// (`nats`); both reconnect forever, as the apps' do. File-scoped, on top of busTest (`domain` with a pool
// of 10, `owner` and `system` pools, `workspaceId` a seeded workspace with the effects table): `names` the file's NATS
// names, with its 3-replica events stream in place; the helpers `unpublished` and `published`.
const it = busTest
  // vitest reads a fixture's dependencies from its first parameter's pattern: `{}` means none.
  // eslint-disable-next-line no-empty-pattern
  .extend("cluster", { scope: "file" }, async ({}, { onCleanup }) => {
    const cluster = await startNatsCluster({ configFile: CONFIG, env: passwords });
    onCleanup(() => cluster.dispose());
    return cluster;
  })
  .override("natsUrl", { scope: "file" }, ({ cluster }) => cluster.urls.join(","))
  .override("nats", { scope: "file" }, async ({ natsUrl }, { onCleanup }) => {
    const nc = await connectNats({ servers: natsUrl, name: "cluster-test", user: "operator", pass: passwords.SPINE_NATS_OPERATOR_PASSWORD });
    onCleanup(() => nc.close());
    return nc;
  })
  .extend("relayNc", { scope: "file" }, async ({ natsUrl }, { onCleanup }) => {
    const nc = await connectNats({ servers: natsUrl, name: "cluster-relay", user: "relay", pass: passwords.SPINE_NATS_RELAY_PASSWORD });
    onCleanup(() => nc.close());
    return nc;
  })
  .extend("names", { scope: "file" }, async ({ nats, natsNames }) => {
    // The meta leader is elected a moment after the routes connect (slower on a loaded machine):
    // retry both the JetStream account check and the stream creation until they succeed.
    await waitUntil(async () => {
      try {
        const jsm = await jetstreamManager(nats, { timeout: 10_000 });
        return (await ensureEventsStream(jsm, { name: natsNames.stream, prefix: PREFIX, replicas: 3 })).config.num_replicas === 3;
      } catch {
        return false;
      }
    }, "the 3-replica EVENTS stream on the cluster");
    return natsNames;
  })
  .extend("unpublished", { scope: "file" }, ({ owner }) => async (): Promise<number> => {
    const { rows } = await owner.query<{ n: number }>("select count(*)::int as n from outbox where published_at is null");
    return rows[0]?.n ?? -1;
  })
  .extend("published", { scope: "file" }, ({ owner }) => async (id: string): Promise<boolean> => {
    const { rows } = await owner.query<{ ok: boolean }>("select published_at is not null as ok from outbox where id = $1", [id]);
    return rows[0]?.ok === true;
  });

describe("3-node NATS cluster (infra/nats/cluster.conf), stream leader killed with SIGKILL under write load", () => {
  // The cluster's setup (up to 120 s while its meta leader is elected, as its beforeAll had) now runs inside this
  // test: its budget is that plus the test's own 120 s.
  it("keeps publishing, loses and duplicates nothing in the R3 stream, and applies every consumer effect once", { timeout: 240_000 }, async ({
    db, cluster, nats: nc, relayNc, domain, owner, system, workspaceId, names, unpublished, published,
  }) => {
    const logger = pino({ level: process.env.SPINE_TEST_LOG ?? "silent" });
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    const relay = new OutboxRelay({
      store: outboxStore(system), nc: relayNc, prefix: PREFIX, wakeups: outboxWakeups(db.systemUrl, pino({ level: "silent" })), pollIntervalMs: 200, publishTimeoutMs: 2_000,
      retryMaxMs: 1_000, logger,
    });
    const handler = effectsHandler(`cluster_${names.suffix}`);
    const consumer = new ConsumerRunner({
      js, jsm, stream: names.stream, prefix: PREFIX, handler, ledger: jobLedger(domain),
      ackWaitMs: 5_000, idleHeartbeatMs: 1_000, expiresMs: 5_000, logger,
    });
    await relay.start();
    consumer.start();

    const leaderName = (await jsm.streams.info(names.stream)).cluster?.leader ?? "";
    const victim = cluster.nodes[Number(leaderName.replace("spine-", "")) - 1];
    expect(victim, `stream leader ${leaderName} is one of the nodes`).toBeDefined();

    const committed: string[] = [];
    let recoveryMs = 0;
    for (let i = 0; i < BATCHES; i += 1) {
      if (i === 10) {
        await victim?.stop("SIGKILL");
        const killedAt = Date.now();
        const [probe = ""] = await commitEvents(owner, workspaceId, 1);
        committed.push(probe);
        await waitUntil(() => published(probe), "an event committed after the kill to be published");
        recoveryMs = Date.now() - killedAt;
      }
      committed.push(...(await commitEvents(owner, workspaceId, PER_TX)));
      if (i === 30) await victim?.start();
    }
    await waitUntil(async () => (await unpublished()) === 0, "the relay to publish every committed event");
    await waitUntil(async () => (await effectCounts(owner, handler.name)).distinct === committed.length, "the consumer to catch up");
    await consumer.stop();
    await relay.stop();

    const inStream = await streamEventIds(nc, names.stream);
    const distinct = new Set(inStream);
    const missing = committed.filter((id) => !distinct.has(id)).length;
    const effects = await effectCounts(owner, handler.name);
    process.stdout.write(
      `cluster node-kill: written=${committed.length} in_stream=${inStream.length} duplicates=${inStream.length - distinct.size} ` +
        `missing=${missing} effects=${effects.rows} recovery_ms=${recoveryMs}\n`,
    );
    expect(missing).toBe(0);
    expect(inStream).toHaveLength(committed.length);
    expect(distinct.size).toBe(committed.length);
    expect(effects).toEqual({ rows: committed.length, distinct: committed.length });
  });
});
