import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import cors from "cors";
import { asyncApiDocument, CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS } from "@spine/contracts";
import { AccessTokenService } from "@spine/auth";
import { ApiCallMeter, appRouter, checkRawInput, openApiDocument, createContext, DEFAULT_API_CONFIG, readRequestMeta, type AgentModels, type AgentStreamPublisher, type ApiCallMeterOptions, type ApiConfig, type RequestMeta } from "@spine/api";
import { AppError, Domain, type KeyRing } from "@spine/domain";
import { appUrlFrom, createLogger, systemUrlFrom, type Logger } from "@spine/logging";
import { BodyTooLargeError, createWebhookIngress, readBodyCapped, WEBHOOK_ROUTE } from "@spine/webhooks";
import { createMetricsRegistry, startAdminServer, type AdminServer, type Registry } from "@spine/metrics";
import { handleHealthz, handleReadyz, readiness } from "./health.ts";
import { ApiMetrics, codeOfStatus } from "./metrics.ts";

export interface ApiServerOptions {
  /** OWNER connection URL; the server connects as the app role via `appUrlFrom(databaseUrl)`. */
  databaseUrl: string;
  /** HS256 secret for access tokens (shared with the gateway), at least 32 characters. */
  tokenSecret: string;
  /** Seals and opens integration secrets (`SPINE_KEY_RING`). */
  keyRing: KeyRing;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  logger?: Logger;
  accessTtlSeconds?: number;
  trustProxy?: boolean;
  /** Request bodies above this are refused with PAYLOAD_TOO_LARGE (default 5 MiB). */
  maxBodyBytes?: number;
  /** Inbound webhook bodies above this are refused before verification (default 256 KiB). */
  maxWebhookBodyBytes?: number;
  config?: Partial<ApiConfig>;
  /** Chat model and query embeddings for agent runs and search; offline deterministic when absent. */
  ai?: AgentModels;
  /** Where `agent.run({ stream: true })` publishes live steps (see `natsAgentStreamPublisher`); none when absent. */
  agentStream?: AgentStreamPublisher;
  /** The admin endpoint (`/metrics`, `/healthz`, `/readyz`) on its own port; none when absent. */
  admin?: { port: number; host?: string };
  /** `api_calls` metering: policy cache lifetime and how often buffered counts are written. */
  apiCalls?: ApiCallMeterOptions;
  /** Where the contracts say the gateway and NATS are (`/asyncapi.json`); host:port each. */
  contractHosts?: { gateway?: string; nats?: string; subjectPrefix?: string };
  /** Browser origins allowed to call `/trpc` (`SPINE_CORS_ORIGINS`); none when empty. */
  corsOrigins?: readonly string[];
}

export interface ApiServer {
  /** e.g. `http://127.0.0.1:54321` */
  url: string;
  /** e.g. `http://127.0.0.1:54321/trpc` — pass to createSpineClient. */
  trpcUrl: string;
  port: number;
  domain: Domain;
  tokens: AccessTokenService;
  logger: Logger;
  /** The app's Prometheus registry (served at `<adminUrl>/metrics`). */
  metrics: Registry;
  /** e.g. `http://127.0.0.1:9400`; null without `options.admin`. */
  adminUrl: string | null;
  /** The `api_calls` meter (`flush()` writes its buffered counts now). */
  apiCalls: ApiCallMeter;
  close(): Promise<void>;
}

/**
 * The edge of every tRPC call: read the input (the body of a POST, `?input=` of a GET) once, under the
 * size cap, and refuse JSON nested too deep before tRPC parses it or anything recursive (the request
 * hash, validation) touches it. A refusal is recorded on the request meta and answered by the first
 * middleware in the normal error shape; the input handed on is then empty.
 */
async function guardTrpcInput(req: IncomingMessage, meta: RequestMeta, maxBodyBytes: number): Promise<void> {
  if (req.method === "GET") {
    const url = new URL(req.url ?? "/", "http://edge");
    const input = url.searchParams.get("input");
    const refused = input === null ? null : checkRawInput(input);
    if (refused) {
      meta.inputError = refused;
      req.url = url.pathname;
    }
    return;
  }
  if (req.method !== "POST") return;
  const holder = req as IncomingMessage & { body?: unknown };
  try {
    const text = await readBodyCapped(req, maxBodyBytes);
    meta.inputError = checkRawInput(text);
    holder.body = meta.inputError ? "null" : text;
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    meta.inputError = new AppError("PAYLOAD_TOO_LARGE", `request body exceeds ${maxBodyBytes} bytes`);
    holder.body = "null";
  }
}

function serveJson(res: ServerResponse, text: string): void {
  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-cache" });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, error: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error }));
}

/** Start the API host: tRPC at /trpc, /healthz, /readyz. Resolves once it listens. */
export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const logger = options.logger ?? createLogger({ name: "api" });
  // The system role serves only the platform operator's cross-workspace reads (`operator.*`, behind the operator check).
  const domain = await Domain.create({ clientUrl: appUrlFrom(options.databaseUrl), systemUrl: systemUrlFrom(options.databaseUrl), keyRing: options.keyRing });
  const tokens = new AccessTokenService({ secret: options.tokenSecret, accessTtlSeconds: options.accessTtlSeconds ?? 900 });
  const apiCalls = new ApiCallMeter(domain, logger.child({ component: "api-calls" }), options.apiCalls);
  const deps = { domain, tokens, logger, config: { ...DEFAULT_API_CONFIG, ...options.config }, apiCalls, ...(options.ai ? { ai: options.ai } : {}), ...(options.agentStream ? { agentStream: options.agentStream } : {}) };
  const metaOf = new WeakMap<IncomingMessage, RequestMeta>();
  const registry = createMetricsRegistry("api");
  const metrics = new ApiMetrics(registry, Object.keys(appRouter._def.procedures));
  /** The tRPC code of a request's error (one call per request: batching is off). */
  const codeOf = new WeakMap<IncomingMessage, string>();
  const handleWebhook = createWebhookIngress({ domain, logger, ...(options.maxWebhookBodyBytes ? { maxBodyBytes: options.maxWebhookBodyBytes } : {}) });

  const maxBodyBytes = options.maxBodyBytes ?? 5 * 1024 * 1024;
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    // One call per request: a batch could otherwise carry one Idempotency-Key for several calls.
    allowBatching: false,
    maxBodySize: maxBodyBytes,
    createContext: ({ req }) => createContext(deps, metaOf.get(req) ?? readRequestMeta(req.headers, req.socket.remoteAddress ?? null)),
    // A transient failure (503) tells the client when to retry; the typed client retries keyed calls.
    responseMeta: ({ errors }) => (errors.some((e) => e.code === "SERVICE_UNAVAILABLE") ? { headers: { "retry-after": "1" } } : {}),
    onError: ({ error, path, ctx, req }) => {
      codeOf.set(req, error.code);
      const log = ctx?.log ?? logger;
      if (error.code === "INTERNAL_SERVER_ERROR") log.error({ err: error.cause ?? error, path }, "procedure failed");
      else log.info({ path, code: error.code, reason: error.message }, "procedure refused");
    },
  });

  const corsOrigins = new Set(options.corsOrigins ?? []);
  const applyCors = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && corsOrigins.has(origin)),
    methods: ["GET", "POST"],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    maxAge: 600,
    optionsSuccessStatus: 204,
  });

  // Generated from the router and the contracts registry at first request: they cannot drift from the code.
  let serverUrl = "";
  let openapiText: string | null = null;
  let asyncapiText: string | null = null;
  const contracts = {
    openapi: () => (openapiText ??= JSON.stringify(openApiDocument(serverUrl ? { serverUrl } : {}))),
    asyncapi: () =>
      (asyncapiText ??= JSON.stringify(
        asyncApiDocument({
          ...(options.contractHosts?.gateway ? { gatewayHost: options.contractHosts.gateway } : {}),
          ...(options.contractHosts?.nats ? { natsHost: options.contractHosts.nats } : {}),
          ...(options.contractHosts?.subjectPrefix ? { subjectPrefix: options.contractHosts.subjectPrefix } : {}),
        }),
      )),
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const meta = readRequestMeta(req.headers, req.socket.remoteAddress ?? null, options.trustProxy ?? false);
    metaOf.set(req, meta);
    res.setHeader("x-correlation-id", meta.correlationId);
    const started = process.hrtime.bigint();
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const procedure = metrics.procedureOf(path);
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      metrics.observe(procedure, codeOf.get(req) ?? codeOfStatus(res.statusCode), ms / 1_000);
      logger.info({ correlation_id: meta.correlationId, method: req.method, url: req.url, status: res.statusCode, duration_ms: ms }, "request");
    });
    if (path === "/healthz") return handleHealthz(res);
    if ((path === "/openapi.json" || path === "/asyncapi.json") && (req.method === "GET" || req.method === "HEAD")) {
      const origin = req.headers.origin;
      if (origin !== undefined && corsOrigins.has(origin)) applyCors(req, res, () => undefined);
      return serveJson(res, path === "/openapi.json" ? contracts.openapi() : contracts.asyncapi());
    }
    if (path === "/readyz") return void handleReadyz(res, domain);
    if (path === "/trpc" || path.startsWith("/trpc/")) {
      // Browsers: CORS for allowlisted origins only. A preflight from any other origin is refused
      // outright (403) rather than answered without headers, so a misconfigured console says why.
      const origin = req.headers.origin;
      if (req.method === "OPTIONS") {
        if (origin === undefined || !corsOrigins.has(origin)) return refuse(res, 403, "origin not allowed (SPINE_CORS_ORIGINS)");
        return applyCors(req, res, () => refuse(res, 405, "method not allowed"));
      }
      if (origin !== undefined && corsOrigins.has(origin)) applyCors(req, res, () => undefined);
      return void guardTrpcInput(req, meta, maxBodyBytes).then(
        () => trpc(req, res),
        (err: unknown) => {
          // The client went away mid-body: nothing to answer.
          logger.info({ correlation_id: meta.correlationId, err }, "request body not read");
          res.destroy();
        },
      );
    }
    const webhook = WEBHOOK_ROUTE.exec(path);
    if (webhook && req.method === "OPTIONS") return refuse(res, 405, "method not allowed");
    if (webhook) return void handleWebhook(req, res, webhook[1] ?? "", webhook[2] ?? "", meta.correlationId);
    // Webhooks stay server-to-server: no CORS there, and a preflight is not a delivery.
    if (req.method === "OPTIONS") return refuse(res, 405, "method not allowed");
    refuse(res, 404, "not found");
  };

  const server: Server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1";
  const url = `http://${host}:${port}`;
  serverUrl = url;
  let admin: AdminServer | null = null;
  if (options.admin) {
    try {
      admin = await startAdminServer({
        port: options.admin.port, host: options.admin.host ?? options.host ?? "127.0.0.1", registry, ready: () => readiness(domain),
      });
    } catch (err) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apiCalls.close();
      await domain.close();
      throw err;
    }
  }
  logger.info({ url, admin_url: admin?.url ?? null }, "api listening");

  return {
    url, trpcUrl: `${url}/trpc`, port, domain, tokens, logger, metrics: registry, adminUrl: admin?.url ?? null, apiCalls,
    async close() {
      await admin?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // The buffered api_calls counts are written before the pool closes.
      await apiCalls.close();
      await domain.close();
    },
  };
}
