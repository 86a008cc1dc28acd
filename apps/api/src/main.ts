import { createLogger } from "@spine/logging";
import { createChatModel, createEmbeddings } from "@spine/ai";
import { loadAiSettings, loadEnv } from "./env.ts";
import { connectNats } from "@spine/bus";
import { natsAgentStreamPublisher } from "./agent-stream-publisher.ts";
import { createApiServer } from "./server.ts";

const env = loadEnv();
const logger = createLogger({ name: "api", level: env.LOG_LEVEL });
const ai = loadAiSettings();
const nc = env.NATS_URL
  ? await connectNats({ servers: env.NATS_URL, name: "api", ...(env.NATS_USER ? { user: env.NATS_USER, pass: env.NATS_PASSWORD ?? "" } : {}) })
  : null;
const api = await createApiServer({
  databaseUrl: env.DATABASE_URL,
  tokenSecret: env.SPINE_TOKEN_SECRET,
  keyRing: env.SPINE_KEY_RING,
  port: env.API_PORT,
  host: env.API_HOST,
  logger,
  accessTtlSeconds: env.SPINE_ACCESS_TOKEN_TTL_SECONDS,
  trustProxy: env.SPINE_TRUST_PROXY,
  config: { idempotencyTtlSeconds: env.SPINE_IDEMPOTENCY_TTL_SECONDS },
  corsOrigins: env.SPINE_CORS_ORIGINS,
  admin: { port: env.API_ADMIN_PORT, host: env.API_ADMIN_HOST ?? env.API_HOST },
  ai: { chatModel: () => createChatModel(ai.chat), embeddings: createEmbeddings(ai.embeddings) },
  ...(nc ? { agentStream: natsAgentStreamPublisher(nc, logger) } : {}),
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    logger.info({ signal }, "shutting down");
    api.close().then(() => nc?.drain()).then(() => process.exit(0), (err: unknown) => {
      logger.error({ err }, "shutdown failed");
      process.exit(1);
    });
  });
}
