import type { IncomingHttpHeaders } from "node:http";
import type { AppError } from "@spine/domain";
import { resolveCorrelationId } from "./correlation-id.ts";

/** What the API reads from an HTTP request, independent of the adapter. */
export interface RequestMeta {
  correlationId: string;
  authorization: string | null;
  idempotencyKey: string | null;
  ip: string | null;
  userAgent: string | null;
  /** Set by the host when the raw input was refused at the edge (too deep, too large); every procedure answers it. */
  inputError: AppError | null;
}

function first(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

/** Read request metadata from Node headers; `x-forwarded-for` only when behind a trusted proxy. */
export function readRequestMeta(headers: IncomingHttpHeaders, remoteAddress: string | null, trustProxy = false): RequestMeta {
  const forwarded = trustProxy ? first(headers["x-forwarded-for"])?.split(",")[0]?.trim() : undefined;
  return {
    correlationId: resolveCorrelationId(first(headers["x-correlation-id"])),
    authorization: first(headers.authorization),
    idempotencyKey: first(headers["idempotency-key"]),
    ip: forwarded || remoteAddress,
    userAgent: first(headers["user-agent"]),
    inputError: null,
  };
}
