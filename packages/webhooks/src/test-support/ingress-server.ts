import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Domain } from "@spine/domain";
import { createWebhookIngress, WEBHOOK_ROUTE, type WebhookIngressOptions } from "../webhook-ingress.ts";

/**
 * The webhook ingress on a free loopback port, as a host would mount it on `WEBHOOK_ROUTE`: its base URL, and
 * `close()` for the fixture's cleanup.
 */
export async function serveIngress(domain: Domain, options: Omit<WebhookIngressOptions, "domain"> = {}): Promise<{ base: string; close: () => Promise<void> }> {
  const handle = createWebhookIngress({ domain, ...options });
  const server = createServer((req, res) => {
    const m = WEBHOOK_ROUTE.exec(req.url ?? "");
    if (!m) return void res.writeHead(404).end();
    void handle(req, res, m[1]!, m[2]!);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
