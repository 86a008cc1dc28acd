import type { TAgentStreamChunk } from "@spine/contracts";
import type { AccessTokenService } from "@spine/auth";
import type { Domain } from "@spine/domain";
import type { Logger } from "pino";
import type { RequestMeta } from "./request/request-meta.ts";
import type { AgentModels } from "./router/agent/agent-models.ts";
import type { ApiCallMeter } from "./usage/api-call-meter.ts";

export interface SignInLimits {
  /** Attempts per account (email) per window. */
  perAccount: number;
  /** Attempts per client address per window. */
  perAddress: number;
  windowSeconds: number;
}

export interface ApiConfig {
  /** How long an Idempotency-Key remembers its first result (default 24 h). */
  idempotencyTtlSeconds: number;
  /** Lifetime of a refresh token; every refresh rotates it and restarts the clock (default 30 days). */
  refreshTtlSeconds: number;
  signInLimits: SignInLimits;
}

export const DEFAULT_API_CONFIG: ApiConfig = {
  idempotencyTtlSeconds: 24 * 60 * 60,
  refreshTtlSeconds: 30 * 24 * 60 * 60,
  signInLimits: { perAccount: 10, perAddress: 100, windowSeconds: 15 * 60 },
};

/** Resources every procedure may use; injected once by the host app. */
export interface ApiDeps {
  domain: Domain;
  tokens: AccessTokenService;
  logger: Logger;
  config: ApiConfig;
  /** Chat model and embeddings for agent runs and search; offline deterministic ones when absent. */
  ai?: AgentModels;
  /** Counts (and, under a policy, limits) the `api_calls` usage metric; calls are not metered when absent. */
  apiCalls?: ApiCallMeter;
  /** Where live agent-run steps go (core NATS `astream.<workspace>.<run>`, relayed by the gateway); none when absent. */
  agentStream?: AgentStreamPublisher;
}

/** Publishes one live step of an agent run; best effort, never throws into the run. */
export interface AgentStreamPublisher {
  publish(chunk: TAgentStreamChunk): void;
}

export interface ApiContext {
  deps: ApiDeps;
  req: RequestMeta;
  correlationId: string;
  log: Logger;
}

/** The per-request tRPC context. */
export function createContext(deps: ApiDeps, req: RequestMeta): ApiContext {
  return { deps, req, correlationId: req.correlationId, log: deps.logger.child({ correlation_id: req.correlationId }) };
}
