import type { ServerResponse } from "node:http";
import type { Domain } from "@spine/domain";
import type { Readiness } from "@spine/metrics";

function json(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Liveness: the process answers. */
export function handleHealthz(res: ServerResponse): void {
  json(res, 200, { status: "ok" });
}

/** Postgres answers a query as the app role. */
export async function readiness(domain: Domain): Promise<Readiness> {
  const postgres = await domain.orm.em.fork().getConnection().execute("select 1").then(() => true, () => false);
  return { ready: postgres, checks: { postgres } };
}

/** Readiness: Postgres answers a query as the app role. */
export async function handleReadyz(res: ServerResponse, domain: Domain): Promise<void> {
  try {
    await domain.orm.em.fork().getConnection().execute("select 1");
    json(res, 200, { status: "ready", postgres: "ok" });
  } catch (err) {
    json(res, 503, { status: "not_ready", postgres: err instanceof Error ? err.message : "unreachable" });
  }
}
