import type { Logger } from "pino";

export interface GatewayLimits {
  /** Envelopes queued per socket beyond the in-flight window; past it the client must resync. */
  maxQueue: number;
  /** Envelopes sent to a socket and not yet acknowledged by it. */
  maxInFlight: number;
  /** Most envelopes one resume may replay; a longer gap gets `resync_required`. */
  maxReplay: number;
  /** Envelopes read from the stream per replay page. */
  replayPageSize: number;
}

export interface GatewayOptions {
  /** Postgres URL of the app role (never the owner): membership and token-version checks run under RLS. */
  appDatabaseUrl: string;
  natsUrl: string;
  /** NATS credentials (the `gateway` user of infra/nats/nats-server.conf). */
  natsUser?: string;
  natsPassword?: string;
  tokenSecret: string;
  /** 0 picks a free port (tests). */
  port?: number;
  host?: string;
  stream?: string;
  subjectPrefix?: string;
  limits?: Partial<GatewayLimits>;
  /** How long before token expiry the gateway sends `auth.expiring`. */
  refreshLeadMs?: number;
  /**
   * How often every open socket's token is checked again (signed-out session, bumped token_version,
   * deleted user): one batched query per round for all sockets of the gateway. Default 5 s.
   */
  sessionRecheckMs?: number;
  /** Browser origins allowed to connect over HTTP long-polling (`SPINE_CORS_ORIGINS`); none when empty. */
  corsOrigins?: readonly string[];
  /** The admin endpoint (`/metrics` in Prometheus format, `/healthz`, `/readyz`) on its own port; none when absent. */
  admin?: { port: number; host?: string };
  logger?: Logger;
  /** Name in logs and metrics; several gateways may run side by side. */
  instanceId?: string;
}

export const DEFAULT_LIMITS: GatewayLimits = { maxQueue: 1000, maxInFlight: 128, maxReplay: 100_000, replayPageSize: 256 };

export interface GatewayConfig {
  stream: string;
  subjectPrefix: string;
  limits: GatewayLimits;
  refreshLeadMs: number;
  sessionRecheckMs: number;
  instanceId: string;
}
