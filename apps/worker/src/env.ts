import { z } from "zod";
import { parseAiSettings, type AiSettings } from "@spine/ai";
import { ZKeyRingSchema } from "@spine/domain";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const ms = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const HOUR = 60 * 60_000;

const ZNatsSchema = {
  NATS_URL: z.string().min(1).default("nats://127.0.0.1:4222"),
  /** NATS user of this process (infra/nats: `worker` for the worker's consumers, `operator` for the CLI). */
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD: z.string().optional(),
  SPINE_SUBJECT_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ and - only").default("evt"),
  SPINE_EVENTS_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ and - only").default("EVENTS"),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /** The worker keeps this mirror of the events stream for the gateway when set (infra/nats: `EVENTS_GATEWAY`). */
  SPINE_GATEWAY_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ and - only").optional(),
  /** The JOBS work-queue stream (integration sync jobs) and its subject prefix. */
  SPINE_JOBS_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ and - only").default("JOBS"),
  SPINE_JOBS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ and - only").default("job"),
};

/** The worker's configuration; the only place the worker reads the environment. */
export const ZWorkerEnvSchema = z.object({
  /** The OWNER connection URL; the worker derives the spine_system and spine_app URLs from it. */
  DATABASE_URL: z.url({ error: "must be a postgres:// URL" }),
  ...ZNatsSchema,
  /** The outbox relay's own NATS user (infra/nats: `relay`, which may publish events and nothing else); default: NATS_USER. */
  NATS_RELAY_USER: z.string().min(1).optional(),
  NATS_RELAY_PASSWORD: z.string().optional(),
  /** Replicas of the streams the worker creates (3 on a 3-node cluster). */
  SPINE_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  WORKER_PORT: z.coerce.number().int().min(0).max(65_535).default(4002),
  WORKER_HOST: z.string().min(1).default("0.0.0.0"),
  SPINE_DUPLICATE_WINDOW_MS: ms(2 * 60_000),
  SPINE_EVENTS_MAX_AGE_MS: ms(7 * 24 * HOUR),
  /** Published outbox rows are kept this long so a range can be re-published. */
  SPINE_OUTBOX_REPLAY_WINDOW_MS: ms(72 * HOUR),
  SPINE_RETENTION_INTERVAL_MS: ms(5 * 60_000),
  /** How often the worker acts on due access transitions (expiry, future-dated lifecycle events). */
  SPINE_ACCESS_EXPIRY_INTERVAL_MS: ms(30_000),
  /** How often requested dead-letter replays (`deadLetter.replay`) are run (at least 1 s). */
  SPINE_DLQ_REPLAY_INTERVAL_MS: z.coerce.number().int().min(1_000).default(2_000),
  /** `rate_limit_hits` windows that started longer ago than this are deleted (sign-in windows are 15 min). */
  SPINE_RATE_LIMIT_RETENTION_MS: z.coerce.number().int().min(HOUR).default(24 * HOUR),
  /** Agent runs left queued/running with no progress this long are failed as abandoned; keep it well above a model call. */
  SPINE_AGENT_RUN_STALE_AFTER_MS: z.coerce.number().int().min(60_000).default(HOUR),
  SPINE_RELAY_POLL_MS: ms(1_000),
  /**
   * Which durable consumers this worker runs: `all` (default), `none` (the outbox relay, retention and the
   * periodic jobs only — e.g. a relay-only box, or a benchmark that measures the event path alone), or a
   * comma-separated list of handler names (`usage-metering,integration-events`).
   */
  SPINE_WORKER_CONSUMERS: z
    .string()
    .trim()
    .regex(/^(all|none|[a-z0-9-]+(,[a-z0-9-]+)*)$/, "all, none, or comma-separated handler names")
    .default("all"),
  SPINE_CONSUMER_CONCURRENCY: z.coerce.number().int().positive().default(8),
  SPINE_CONSUMER_MAX_ATTEMPTS: z.coerce.number().int().positive().default(5),
  SPINE_CONSUMER_ACK_WAIT_MS: ms(30_000),
  /** How often the sync scheduler queues due syncs (manual requests, per-integration intervals). */
  SPINE_SYNC_SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(1_000).default(5_000),
  /** Attempts of one sync job before it fails for good (integration.sync_failed). */
  SPINE_SYNC_MAX_ATTEMPTS: z.coerce.number().int().positive().default(4),
  /** Delays between sync attempts, comma-separated ms (the last one repeats). */
  SPINE_SYNC_BACKOFF_MS: z.string().regex(/^\d+(,\d+)*$/, "comma-separated milliseconds").default("5000,30000,120000")
    .transform((v) => v.split(",").map(Number)),
  SPINE_SYNC_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  /** Opens integration credentials for sync jobs (the same key ring as the API's); without it syncs fail with the reason. */
  SPINE_KEY_RING: ZKeyRingSchema.optional(),
});
export type TWorkerEnv = z.infer<typeof ZWorkerEnvSchema>;

/** The CLI's configuration: NATS always, the database only for commands that need it. */
export const ZCliEnvSchema = z.object({
  DATABASE_URL: z.url({ error: "must be a postgres:// URL" }).optional(),
  ...ZNatsSchema,
  /** nats-server's users file `spine tools ...` rewrites (infra/nats/users.conf's copy the server reads). */
  SPINE_NATS_USERS_FILE: z.string().min(1).optional(),
  /** nats-server's pid file (`-P`): `spine tools ...` sends it SIGHUP to reload the users. */
  SPINE_NATS_PID_FILE: z.string().min(1).optional(),
  /**
   * nats-server's monitoring endpoint (`-m`), e.g. http://127.0.0.1:8223: after SIGHUP the CLI waits until
   * `/varz` shows a new `config_load_time` (the reload is applied) and JetStream answers again.
   */
  SPINE_NATS_MONITOR_URL: z.url({ error: "must be an http:// URL" }).optional(),
  /** Needed by `keys rotate` only. */
  SPINE_KEY_RING: ZKeyRingSchema.optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("warn"),
});
export type TCliEnv = z.infer<typeof ZCliEnvSchema>;

function parse<T>(schema: z.ZodType<T>, source: Record<string, string | undefined>, what: string): T {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  throw new Error(`invalid environment for ${what}: ${problems}`);
}

/** Parse the environment once at boot; fail with a message naming each bad variable. */
export function loadWorkerEnv(source: Record<string, string | undefined> = process.env): TWorkerEnv {
  return parse(ZWorkerEnvSchema, source, "apps/worker");
}

export function loadCliEnv(source: Record<string, string | undefined> = process.env): TCliEnv {
  return parse(ZCliEnvSchema, source, "pnpm spine");
}


/**
 * The handlers `SPINE_WORKER_CONSUMERS` selects from `available` (names; `integration-sync` among them
 * when the sync consumer exists). An unknown name is a configuration error that lists the known ones.
 */
export function selectConsumers(setting: string, available: readonly string[]): Set<string> {
  if (setting === "all") return new Set(available);
  if (setting === "none") return new Set();
  const wanted = setting.split(",");
  const unknown = wanted.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    throw new Error(`invalid environment for apps/worker: SPINE_WORKER_CONSUMERS: unknown handler ${unknown.join(", ")}; known: ${available.join(", ")}, or all / none`);
  }
  return new Set(wanted);
}

/** Model settings (offline deterministic unless configured); shares its parsing with the API. */
export function loadAiSettings(source: Record<string, string | undefined> = process.env): AiSettings {
  return parseAiSettings(source);
}

/** `dist/migrate.js`: the owner URL of the database to migrate. */
export function loadMigrateEnv(source: Record<string, string | undefined> = process.env): { DATABASE_URL: string } {
  return parse(z.object({ DATABASE_URL: z.url({ error: "must be a postgres:// URL" }).default("postgres://postgres@127.0.0.1:5432/spine") }), source, "migrate");
}
