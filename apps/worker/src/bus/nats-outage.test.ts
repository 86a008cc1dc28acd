import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { startNatsServer } from "@spine/testing";
import { busTest } from "./test-support/bus-fixtures.ts";
import { pino } from "pino";
import { describe, expect } from "vitest";
import { effectCounts, effectsHandler } from "./test-support/effects-table.ts";
import { commitEvents } from "./test-support/outbox-events.ts";
import { streamEventIds } from "./test-support/stream-contents.ts";
import { waitUntil } from "./test-support/wait-until.ts";
import { jobLedger, outboxStore, outboxWakeups } from "../wiring.ts";
import { ConsumerRunner, OutboxRelay, connectNats, ensureEventsStream } from "@spine/bus";

const BATCHES = 40;
const PER_TX = 25;

// This file stops NATS, so it runs its own nats-server (`server`, disposed after the file) and connects to it as the
// apps do, reconnecting forever (`nats`). File-scoped, on top of busTest (`domain` with a pool of 10, `owner` and
// `system` pools, `workspaceId` a seeded workspace with the effects table): `names` the file's NATS names, with its
// events stream in place; the helper `unpublished`.
const it = busTest
  // vitest reads a fixture's dependencies from its first parameter's pattern: `{}` means none.
  // eslint-disable-next-line no-empty-pattern
  .extend("server", { scope: "file" }, async ({}, { onCleanup }) => {
    const server = await startNatsServer();
    onCleanup(() => server.dispose());
    return server;
  })
  .override("natsUrl", { scope: "file" }, ({ server }) => server.url)
  .override("nats", { scope: "file" }, async ({ natsUrl }, { onCleanup }) => {
    const nc = await connectNats({ servers: natsUrl, name: "outage-test" });
    onCleanup(() => nc.close());
    return nc;
  })
  .extend("names", { scope: "file" }, async ({ nats, natsNames }) => {
    await ensureEventsStream(await jetstreamManager(nats), { name: natsNames.stream, prefix: natsNames.prefix });
    return natsNames;
  })
  .extend("unpublished", { scope: "file" }, ({ owner }) => async (): Promise<number> => {
    const { rows } = await owner.query<{ n: number }>("select count(*)::int as n from outbox where published_at is null");
    return rows[0]?.n ?? -1;
  });

describe("nats-server stopped while events commit", () => {
  it("every event reaches the stream and every consumer effect applies once after the restart", async ({
    db, server, nats: nc, domain, owner, system, workspaceId, names, unpublished,
  }) => {
    const logger = pino({ level: "silent" });
    const js = jetstream(nc);
    const relay = new OutboxRelay({
      store: outboxStore(system), nc, prefix: names.prefix, wakeups: outboxWakeups(db.systemUrl, pino({ level: "silent" })), pollIntervalMs: 200, publishTimeoutMs: 1_000,
      retryMaxMs: 1_000, logger,
    });
    const handler = effectsHandler(`outage_${names.suffix}`);
    const consumer = new ConsumerRunner({
      js, jsm: await jetstreamManager(nc), stream: names.stream, prefix: names.prefix, handler, ledger: jobLedger(domain),
      ackWaitMs: 5_000, idleHeartbeatMs: 1_000, expiresMs: 5_000, logger,
    });
    await relay.start();
    consumer.start();

    const committed: string[] = [];
    let keptWhileDown = 0;
    for (let i = 0; i < BATCHES; i += 1) {
      if (i === 10) await server.stop("SIGKILL");
      committed.push(...(await commitEvents(owner, workspaceId, PER_TX)));
      if (i === 30) {
        keptWhileDown = await unpublished();
        await server.start();
      }
    }
    await waitUntil(async () => (await unpublished()) === 0, "the relay to catch up after the restart");
    await waitUntil(async () => (await effectCounts(owner, handler.name)).distinct === committed.length, "the consumer to catch up");
    await consumer.stop();
    await relay.stop();

    // While NATS was down the rows were kept, not dropped or marked.
    expect(keptWhileDown).toBeGreaterThanOrEqual(20 * PER_TX);
    const inStream = await streamEventIds(nc, names.stream);
    expect(inStream).toHaveLength(committed.length);
    expect(new Set(inStream)).toEqual(new Set(committed));
    expect(await effectCounts(owner, handler.name)).toEqual({ rows: committed.length, distinct: committed.length });
    const failures = await owner.query<{ n: number }>("select count(*)::int as n from outbox where publish_attempts > 1");
    expect(failures.rows[0]?.n).toBeGreaterThan(0);
  });
});
