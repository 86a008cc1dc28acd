import { z } from "zod";
import { ZCorsOriginsSchema } from "@spine/contracts";

const ZGatewayEnvSchema = z.object({
  /** Owner URL of the database; the gateway connects as the app role derived from it. */
  DATABASE_URL: z.string().url(),
  NATS_URL: z.string().min(1).default("nats://127.0.0.1:4222"),
  /** NATS user of this process (infra/nats: `gateway` may use the JetStream API, never publish events). */
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD: z.string().optional(),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(4001),
  GATEWAY_HOST: z.string().min(1).default("0.0.0.0"),
  /** The admin endpoint: `/metrics` (Prometheus), `/healthz`, `/readyz`; its own port, so it can stay private. */
  GATEWAY_ADMIN_PORT: z.coerce.number().int().min(0).max(65535).default(9401),
  /** Defaults to `GATEWAY_HOST`. */
  GATEWAY_ADMIN_HOST: z.string().min(1).optional(),
  SPINE_TOKEN_SECRET: z.string().min(32, "must be at least 32 characters"),
  SPINE_EVENTS_STREAM: z.string().min(1).default("EVENTS"),
  SPINE_SUBJECT_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default("evt"),
  GATEWAY_MAX_QUEUE: z.coerce.number().int().positive().default(1000),
  GATEWAY_MAX_BUFFERED_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  GATEWAY_MAX_REPLAY: z.coerce.number().int().positive().default(100_000),
  GATEWAY_SESSION_RECHECK_MS: z.coerce.number().int().positive().default(5_000),
  /** Browser origins allowed to connect (Socket.IO's HTTP long-polling transport), comma-separated; no wildcard. */
  SPINE_CORS_ORIGINS: ZCorsOriginsSchema,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});
export type TGatewayEnv = z.infer<typeof ZGatewayEnvSchema>;

/** Read and validate the environment once; fail at boot naming each bad variable. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): TGatewayEnv {
  const parsed = ZGatewayEnvSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  throw new Error(`invalid gateway environment:\n${lines.join("\n")}`);
}
