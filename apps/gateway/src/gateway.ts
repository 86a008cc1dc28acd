import { createLogger } from "@spine/logging";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { connectNats, watchNatsLink } from "@spine/bus";
import { AccessTokenService } from "@spine/auth";
import { EVENTS_SUBJECT_PREFIX } from "@spine/contracts";
import { Server } from "socket.io";
import { handshakeAuth } from "./auth/handshake-auth.ts";
import { SessionWatch } from "./auth/session-watch.ts";
import { SocketSession } from "./connection/socket-session.ts";
import { createAppPool } from "./db/app-pool.ts";
import { SubscriptionRouter } from "./delivery/subscription-router.ts";
import { DEFAULT_LIMITS, type GatewayConfig, type GatewayOptions } from "./gateway-options.ts";
import type { GatewayResources } from "./gateway-resources.ts";
import { healthRoutes } from "./http/health-routes.ts";
import { GatewayMetrics } from "./metrics.ts";
import { registerGatewayMetrics } from "./prometheus.ts";
import { createMetricsRegistry, startAdminServer, type AdminServer } from "@spine/metrics";
import { transportBacklog, type GatewayServer } from "./socket-types.ts";
import { LiveTail } from "./stream/live-tail.ts";

export type { GatewayOptions, GatewayLimits } from "./gateway-options.ts";

export interface Gateway {
  /** `http://host:port` for socket.io-client and the health endpoints. */
  url: string;
  port: number;
  metrics: () => Record<string, number | string | boolean>;
  /** e.g. `http://127.0.0.1:9401` (`/metrics`, `/healthz`, `/readyz`); null without `options.admin`. */
  adminUrl: string | null;
  close: () => Promise<void>;
}

function resolveConfig(options: GatewayOptions): GatewayConfig {
  return {
    stream: options.stream ?? "EVENTS",
    subjectPrefix: options.subjectPrefix ?? EVENTS_SUBJECT_PREFIX,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    refreshLeadMs: options.refreshLeadMs ?? 30_000,
    sessionRecheckMs: options.sessionRecheckMs ?? 5_000,
    instanceId: options.instanceId ?? randomBytes(4).toString("hex"),
  };
}

/**
 * Start a realtime gateway: Socket.IO over HTTP, its own ordered read of the events stream,
 * membership checks as the app role. Returns once it listens and the stream tail runs.
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const config = resolveConfig(options);
  const logger = (options.logger ?? createLogger({ name: "gateway" })).child({ gateway: config.instanceId });
  const nc: NatsConnection = await connectNats({
    servers: options.natsUrl,
    name: `spine-gateway-${config.instanceId}`,
    ...(options.natsUser ? { user: options.natsUser, pass: options.natsPassword ?? "" } : {}),
  });
  const metrics = new GatewayMetrics();
  // The live tail starts before Socket.IO exists; no socket is in a room until then.
  let io: GatewayServer | null = null;
  const router = new SubscriptionRouter(
    metrics,
    (room, message) => io?.to(room).emit("event", message),
    (err, sub) => logger.error({ err, workspace_id: sub.workspaceId, user_id: sub.userId }, "live delivery failed; the subscription must resync"),
  );
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const pool = createAppPool(options.appDatabaseUrl, (err) => logger.warn({ err }, "postgres connection failed; the client is discarded"));
  const natsLink = watchNatsLink(nc, logger);
  const sessions = new SessionWatch(pool, config.sessionRecheckMs, logger);
  const tail = new LiveTail({
    js,
    jsm,
    stream: config.stream,
    subjectPrefix: config.subjectPrefix,
    logger,
    metrics,
    onEnvelope: (m) => {
      // A sign-out anywhere cuts the affected sockets on every gateway as soon as its signal passes.
      if (m.envelope.event_type === "session.revoked") {
        const cut = sessions.applyRevocation(m.envelope.payload);
        if (cut > 0) logger.info({ reason: m.envelope.payload.reason, sockets: cut }, "session.revoked applied");
      }
      router.dispatch(m);
    },
    onGap: (reason) => router.resyncAll(reason),
  });
  const resources: GatewayResources = { pool, nc, js, jsm, tokens: new AccessTokenService({ secret: options.tokenSecret }), logger, metrics, config, router, tail, sessions,
    sinkOptions: { maxQueue: config.limits.maxQueue, maxBufferedBytes: config.limits.maxBufferedBytes, metrics },
  };

  try {
    await tail.start();
  } catch (err) {
    await Promise.allSettled([nc.close(), pool.end()]);
    throw err;
  }

  // What the sockets' transports hold unsent, summed at snapshot (scrape) time.
  const buffered = () => {
    let packets = 0;
    let bytes = 0;
    for (const socket of io?.of("/").sockets.values() ?? []) {
      const backlog = transportBacklog(socket);
      packets += backlog.packets;
      bytes += backlog.bytes;
    }
    return { buffered_packets: packets, buffered_bytes: bytes };
  };
  const snapshot = () =>
    metrics.snapshot({ instance: config.instanceId, subscriptions_active: router.size, tail_position: tail.position, tail_restarts: tail.restarts, ...buffered() });
  const ready = async () => {
    const database = await pool.query("select 1").then(() => true, () => false);
    const checks = { stream_tail: tail.ready, nats: natsLink.connected(), database };
    return { ready: Object.values(checks).every(Boolean), checks };
  };
  const routes = healthRoutes({ ready });
  const registry = createMetricsRegistry("gateway");
  registerGatewayMetrics(registry, snapshot);
  // Socket.IO takes /socket.io/ and hands every other request to this listener.
  const http: HttpServer = createServer((req, res) => {
    if (!routes(req, res)) res.writeHead(404).end();
  });
  const server: GatewayServer = new Server(http, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    // CORS for the long-polling transport; an allowlist, never a wildcard (see SPINE_CORS_ORIGINS).
    cors: { origin: [...(options.corsOrigins ?? [])], methods: ["GET", "POST"], credentials: false },
    // No connectionStateRecovery: every reconnect is a new handshake, authenticated again.
  });
  io = server;
  server.use(handshakeAuth(resources));
  server.on("connection", (socket) => new SocketSession(socket, resources).attach());

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const url = `http://${options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1"}:${port}`;
  let admin: AdminServer | null = null;
  if (options.admin) {
    try {
      admin = await startAdminServer({ port: options.admin.port, host: options.admin.host ?? options.host ?? "127.0.0.1", registry, ready });
    } catch (err) {
      await server.close();
      resources.sessions.stop();
      await tail.stop();
      await Promise.allSettled([nc.close(), pool.end()]);
      throw err;
    }
  }
  logger.info({ port, admin_url: admin?.url ?? null, stream: config.stream, subject_prefix: config.subjectPrefix }, "gateway listening");

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await admin?.close();
      await server.close();
      resources.sessions.stop();
      await tail.stop();
      await nc.drain().catch(() => undefined);
      await pool.end();
      logger.info("gateway closed");
    })();
    return closing;
  };
  return { url, port, metrics: snapshot, adminUrl: admin?.url ?? null, close };
}
