import { Agent, request } from "node:http";

type HeaderInit = NonNullable<RequestInit["headers"]>;

function headerRecord(headers: HeaderInit | undefined): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return Object.fromEntries(headers) as Record<string, string>;
  return headers as Record<string, string>;
}

/**
 * A lean `fetch` for the bench's HTTP client: node:http over a keep-alive agent, one socket per
 * concurrent caller, the whole body read into one buffer. Undici's `fetch` costs the bench process
 * several times the CPU of a raw driver call; on two shared cores that CPU would be taken from the
 * server under test, so the write bench drives the real Spine client through this instead.
 */
export function keepAliveFetch(maxSockets: number): { fetch: typeof fetch; close: () => void } {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const leanFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    new Promise((resolve, reject) => {
      const url = typeof input === "string" || input instanceof URL ? input : input.url;
      const req = request(url, { method: init?.method ?? "GET", headers: headerRecord(init?.headers), agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) if (typeof value === "string") headers.set(name, value);
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500, headers }));
        });
      });
      req.on("error", reject);
      req.end(typeof init?.body === "string" ? init.body : undefined);
    });
  return { fetch: leanFetch as typeof fetch, close: () => agent.destroy() };
}
