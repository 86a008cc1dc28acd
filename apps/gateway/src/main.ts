import { appUrlFrom, createLogger } from "@spine/logging";
import { readEnv } from "./env.ts";
import { createGateway } from "./gateway.ts";

const env = readEnv();
const logger = createLogger({ name: "gateway", level: env.LOG_LEVEL });

const gateway = await createGateway({
  appDatabaseUrl: appUrlFrom(env.DATABASE_URL),
  natsUrl: env.NATS_URL,
  ...(env.NATS_USER ? { natsUser: env.NATS_USER, natsPassword: env.NATS_PASSWORD ?? "" } : {}),
  tokenSecret: env.SPINE_TOKEN_SECRET,
  port: env.GATEWAY_PORT,
  host: env.GATEWAY_HOST,
  stream: env.SPINE_EVENTS_STREAM,
  subjectPrefix: env.SPINE_SUBJECT_PREFIX,
  limits: { maxQueue: env.GATEWAY_MAX_QUEUE, maxBufferedBytes: env.GATEWAY_MAX_BUFFERED_BYTES, maxReplay: env.GATEWAY_MAX_REPLAY },
  sessionRecheckMs: env.GATEWAY_SESSION_RECHECK_MS,
  corsOrigins: env.SPINE_CORS_ORIGINS,
  admin: { port: env.GATEWAY_ADMIN_PORT, host: env.GATEWAY_ADMIN_HOST ?? env.GATEWAY_HOST },
  logger,
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    logger.info({ signal }, "shutting down");
    gateway.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  });
}
