import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.ts";

export { appRouter, type AppRouter } from "./root.ts";
export { createCallerFactory } from "./trpc.ts";
export { createContext, DEFAULT_API_CONFIG, type AgentStreamPublisher, type ApiConfig, type ApiContext, type ApiDeps, type SignInLimits } from "./context.ts";
export { readRequestMeta, type RequestMeta } from "./request/request-meta.ts";
export { checkRawInput } from "./request/input-limits.ts";
export { ApiCallMeter, type ApiCallMeterOptions } from "./usage/api-call-meter.ts";
export { resolveCorrelationId } from "./request/correlation-id.ts";
export { APP_ERROR_TO_TRPC } from "./errors/error-map.ts";
export { MAX_DOCUMENT_CHARS } from "./router/document/document.types.ts";
export type * from "./dto/identity.dto.ts";
export type * from "./dto/product.dto.ts";
export type * from "./dto/integration.dto.ts";
export type * from "./dto/governance.dto.ts";
export type * from "./dto/agent.dto.ts";
export type { AgentModels } from "./router/agent/agent-models.ts";

/** Inputs of every procedure, e.g. `RouterInputs["project"]["create"]`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Outputs of every procedure, e.g. `RouterOutputs["project"]["list"]`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export { openApiDocument } from "./openapi/openapi-document.ts";
