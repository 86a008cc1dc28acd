/**
 * A consumer as its own process, so a test can kill it between its commit and its ack.
 * Config comes as one JSON argument; with `crashAfterCommits` it SIGKILLs itself right after
 * that many handler transactions committed, before acking the last one.
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { destination, pino } from "pino";
import { z } from "zod";
import { Domain } from "@spine/domain";
import { jobLedger } from "../../wiring.ts";
import { effectsHandler } from "./effects-table.ts";
import { ConsumerRunner, connectNats } from "@spine/bus";

const ZConfig = z.object({
  natsUrl: z.string(), appUrl: z.string(), systemUrl: z.string(), stream: z.string(), prefix: z.string(),
  handler: z.string(), crashAfterCommits: z.number().int().positive().nullable(),
});
const config = ZConfig.parse(JSON.parse(process.argv[2] ?? "{}"));
// Synchronous writes: a line logged just before a SIGKILL must not be lost in a buffer.
const logger = pino({ level: "info" }, destination({ dest: 1, sync: true }));

const nc = await connectNats({ servers: config.natsUrl, name: "consumer-process" });
const domain = await Domain.create({ clientUrl: config.appUrl, systemUrl: config.systemUrl, poolMax: 6 });
let commits = 0;
const runner = new ConsumerRunner({
  js: jetstream(nc), jsm: await jetstreamManager(nc), stream: config.stream, prefix: config.prefix,
  handler: effectsHandler(config.handler), ledger: jobLedger(domain), concurrency: 4, ackWaitMs: 2_000,
  idleHeartbeatMs: 1_000, expiresMs: 5_000, logger,
  hooks: {
    afterCommit(envelope, outcome) {
      if (outcome !== "applied") return;
      commits += 1;
      if (config.crashAfterCommits !== null && commits >= config.crashAfterCommits) {
        logger.info({ event_id: envelope.event_id }, "crashing after commit, before ack");
        process.kill(process.pid, "SIGKILL");
      }
    },
  },
});
await runner.ensure();
runner.start();
logger.info("consumer started");

process.once("SIGTERM", () => {
  void (async () => {
    await runner.stop();
    await domain.close();
    await nc.drain();
  })();
});
