import type { IncomingMessage, ServerResponse } from "node:http";

export interface HealthProbe {
  /** Serving: the stream tail runs and NATS and Postgres answer. */
  ready: () => Promise<{ ready: boolean; checks: Record<string, boolean> }>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/** `/healthz` (the process lives) and `/readyz` (it can serve); metrics are on the admin port. */
export function healthRoutes(probe: HealthProbe) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") return false;
    switch (path) {
      case "/healthz":
        json(res, 200, { ok: true });
        return true;
      case "/readyz":
        probe.ready().then(
          (result) => json(res, result.ready ? 200 : 503, result),
          () => json(res, 503, { ready: false }),
        );
        return true;
      default:
        return false;
    }
  };
}
