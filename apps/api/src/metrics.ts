import { Counter, Histogram, type Registry } from "@spine/metrics";

/** HTTP status → the tRPC code name, for requests no procedure error was recorded for (webhooks, 404s, body limits). */
const CODE_OF_STATUS: Record<number, string> = {
  400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_SUPPORTED", 408: "TIMEOUT",
  409: "CONFLICT", 412: "PRECONDITION_FAILED", 413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE", 422: "UNPROCESSABLE_CONTENT",
  429: "TOO_MANY_REQUESTS", 499: "CLIENT_CLOSED_REQUEST", 500: "INTERNAL_SERVER_ERROR", 501: "NOT_IMPLEMENTED", 502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE", 504: "GATEWAY_TIMEOUT",
};

export function codeOfStatus(status: number): string {
  if (status < 400) return "OK";
  return CODE_OF_STATUS[status] ?? (status < 500 ? "BAD_REQUEST" : "INTERNAL_SERVER_ERROR");
}

/**
 * The API's request metrics: `spine_api_requests_total{procedure,code}` and
 * `spine_api_request_duration_seconds{procedure}`. `procedure` is a known tRPC path (e.g.
 * `project.create`), or `webhook`, `healthz`, `readyz`, and `unknown` for anything else, so a
 * caller cannot grow the label set.
 */
export class ApiMetrics {
  private readonly requests: Counter<"procedure" | "code">;
  private readonly duration: Histogram<"procedure">;
  private readonly procedures: ReadonlySet<string>;

  constructor(registry: Registry, procedures: Iterable<string>) {
    this.procedures = new Set(procedures);
    this.requests = new Counter({
      name: "spine_api_requests_total", help: "Requests answered, by procedure and tRPC code (OK on success).",
      labelNames: ["procedure", "code"], registers: [registry],
    });
    this.duration = new Histogram({
      name: "spine_api_request_duration_seconds", help: "Time from request to the end of its response, by procedure.",
      labelNames: ["procedure"], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
    });
  }

  /** The label for a request path: `/trpc/<procedure>` → the procedure when it exists. */
  procedureOf(path: string): string {
    if (path.startsWith("/trpc/")) {
      const name = path.slice("/trpc/".length);
      return this.procedures.has(name) ? name : "unknown";
    }
    if (path === "/healthz") return "healthz";
    if (path === "/readyz") return "readyz";
    if (path.startsWith("/webhooks/")) return "webhook";
    return "unknown";
  }

  observe(procedure: string, code: string, seconds: number): void {
    this.requests.inc({ procedure, code });
    this.duration.observe({ procedure }, seconds);
  }
}
