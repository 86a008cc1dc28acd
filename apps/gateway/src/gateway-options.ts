import type { Logger } from "pino";

export interface GatewayLimits {
  /**
   * Packets a socket's transport may hold waiting behind its TCP socket (the client stopped reading and
   * the kernel's buffers are full); past it the socket's subscriptions get `resync_required(client_too_slow)`.
   * Half of it is where a replay waits for the client.
   */
  maxQueue: number;
  /** Bytes a socket's TCP socket may hold unsent in the gateway's memory; past it, the same. */
  maxBufferedBytes: number;
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

export const DEFAULT_LIMITS: GatewayLimits = { maxQueue: 1000, maxBufferedBytes: 1024 * 1024, maxReplay: 100_000, replayPageSize: 256 };

export interface GatewayConfig {
  stream: string;
  subjectPrefix: string;
  limits: GatewayLimits;
  refreshLeadMs: number;
  sessionRecheckMs: number;
  instanceId: string;
}
