import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { AccessTokenService } from "@spine/auth";
import type pg from "pg";
import type { Logger } from "pino";
import type { SessionWatch } from "./auth/session-watch.ts";
import type { SocketSinkOptions } from "./delivery/socket-sink.ts";
import type { SubscriptionRouter } from "./delivery/subscription-router.ts";
import type { GatewayConfig } from "./gateway-options.ts";
import type { GatewayMetrics } from "./metrics.ts";
import type { LiveTail } from "./stream/live-tail.ts";

/** Everything a connection needs, injected once; no module singletons. */
export interface GatewayResources {
  pool: pg.Pool;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  tokens: AccessTokenService;
  logger: Logger;
  metrics: GatewayMetrics;
  config: GatewayConfig;
  router: SubscriptionRouter;
  tail: LiveTail;
  sessions: SessionWatch;
  /** Every socket's outbound limits, one object for all. */
  sinkOptions: SocketSinkOptions;
}
