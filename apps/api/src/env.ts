import { z } from "zod";
import { parseAiSettings, type AiSettings } from "@spine/ai";
import { ZCorsOriginsSchema } from "@spine/contracts";
import { ZKeyRingSchema } from "@spine/domain";

const ZBooleanFlagSchema = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** The API host's configuration; the only place it reads the environment. */
export const ZApiEnvSchema = z.object({
  /** The OWNER connection URL; the server connects as the app role derived from it (appUrlFrom). */
  DATABASE_URL: z.url({ error: "must be a postgres:// URL" }),
  API_PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  API_HOST: z.string().min(1).default("0.0.0.0"),
  /** The admin endpoint: `/metrics` (Prometheus), `/healthz`, `/readyz`; its own port, so it can stay private. */
  API_ADMIN_PORT: z.coerce.number().int().min(0).max(65_535).default(9400),
  /** Defaults to `API_HOST`. */
  API_ADMIN_HOST: z.string().min(1).optional(),
  /** HS256 secret shared with the realtime gateway; at least 32 characters. */
  SPINE_TOKEN_SECRET: z.string().min(32, "must be at least 32 characters"),
  /** Seals integration credentials and webhook secrets at rest; the first key seals, every key opens. */
  SPINE_KEY_RING: ZKeyRingSchema,
  SPINE_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(900),
  SPINE_IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().positive().default(86_400),
  /** Trust the first `x-forwarded-for` address (only behind a proxy you run). */
  SPINE_TRUST_PROXY: ZBooleanFlagSchema.default(false),
  /** Browser origins allowed to call the API (and the gateway), comma-separated; no wildcard. */
  SPINE_CORS_ORIGINS: ZCorsOriginsSchema,
  /**
   * NATS for live agent-run steps (`agent.run({ stream: true })` → gateway `agent.watch`); without it
   * streamed runs still run and record, but publish no live steps. User: `api` (infra/nats).
   */
  NATS_URL: z.string().min(1).optional(),
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});
export type TApiEnv = z.infer<typeof ZApiEnvSchema>;

/** Parse the environment once at boot; fail with a message naming each bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): TApiEnv {
  const parsed = ZApiEnvSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  throw new Error(`invalid environment for apps/api: ${problems}`);
}

/** Model settings (offline deterministic unless configured); the worker parses the same variables. */
export function loadAiSettings(source: Record<string, string | undefined> = process.env): AiSettings {
  return parseAiSettings(source);
}
