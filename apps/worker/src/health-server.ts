import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface HealthReport {
  ok: boolean;
  checks: Record<string, boolean>;
}

/** A tiny HTTP endpoint: GET /health, /healthz and /readyz answer 200 when every check passes, 503 otherwise. */
export async function startHealthServer(options: {
  port: number;
  host: string;
  check: () => Promise<HealthReport>;
}): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url !== "/health" && req.url !== "/healthz" && req.url !== "/readyz")) {
      res.writeHead(404).end();
      return;
    }
    options.check().then(
      (report) => {
        res.writeHead(report.ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(report));
      },
      () => res.writeHead(503).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
