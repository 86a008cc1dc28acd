import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface Readiness {
  ready: boolean;
  checks: Record<string, boolean>;
}

export interface AdminServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host: string;
  registry: Registry;
  /** The app can serve: its dependencies answer. */
  ready: () => Promise<Readiness>;
}

export interface AdminServer {
  port: number;
  /** e.g. `http://127.0.0.1:9400` */
  url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store" }).end(body);
}

/**
 * The admin endpoint of an app, on its own port: `GET /metrics` (Prometheus text format),
 * `/healthz` (the process answers) and `/readyz` (its dependencies answer: `{ ok, checks }`, 503
 * when not ok). `/health` is an alias of `/readyz`.
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") return send(res, 405, "text/plain", "method not allowed");
    switch (path) {
      case "/metrics":
        options.registry.metrics().then(
          (text) => send(res, 200, options.registry.contentType, text),
          () => send(res, 500, "text/plain", "metrics collection failed"),
        );
        return;
      case "/healthz":
        return send(res, 200, "application/json", JSON.stringify({ status: "ok" }));
      case "/readyz":
      case "/health":
        options.ready().then(
          (r) => send(res, r.ready ? 200 : 503, "application/json", JSON.stringify({ ok: r.ready, checks: r.checks })),
          () => send(res, 503, "application/json", JSON.stringify({ ok: false, checks: {} })),
        );
        return;
      default:
        return send(res, 404, "application/json", JSON.stringify({ error: "not found" }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  return {
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
