/**
 * A relay as its own process, so a test can kill -9 it. Config comes as one JSON argument
 * (packages never read the environment). Logs "relay started" once it is running.
 */
import { destination, pino } from "pino";
import { z } from "zod";
import { outboxStore, outboxWakeups } from "../../wiring.ts";
import { createPool } from "./pools.ts";
import { OutboxRelay, connectNats } from "@spine/bus";

const ZConfig = z.object({ natsUrl: z.string(), systemUrl: z.string(), prefix: z.string(), batchSize: z.number().int().positive() });
const config = ZConfig.parse(JSON.parse(process.argv[2] ?? "{}"));
// Synchronous writes: a line logged just before a SIGKILL must not be lost in a buffer.
const logger = pino({ level: "info" }, destination({ dest: 1, sync: true }));

const nc = await connectNats({ servers: config.natsUrl, name: "relay-process" });
const pool = createPool(config.systemUrl, 2, (err) => logger.warn({ err: err.message }, "idle connection failed"));
const relay = new OutboxRelay({
  store: outboxStore(pool), wakeups: outboxWakeups(config.systemUrl, logger), nc, prefix: config.prefix,
  batchSize: config.batchSize, pollIntervalMs: 100, logger,
});
await relay.start();
logger.info("relay started");

process.once("SIGTERM", () => {
  void (async () => {
    await relay.stop();
    await pool.end();
    await nc.drain();
    logger.info("relay stopped");
  })();
});
