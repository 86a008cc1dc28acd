import { z } from "zod";

/**
 * `SPINE_CORS_ORIGINS`: the browser origins allowed to call the API and the gateway, comma-separated,
 * each exactly `scheme://host[:port]` (what a browser sends in `Origin`). Empty means no browser
 * access at all. A wildcard is refused: the API is called with credentials (a bearer token), and an
 * allowlist is the only safe answer to "which pages may do that".
 */
export const ZCorsOriginsSchema = z
  .string()
  .default("")
  .transform((raw, ctx) => {
    const origins: string[] = [];
    for (const part of raw.split(",").map((p) => p.trim()).filter((p) => p.length > 0)) {
      if (part === "*" || part.includes("*")) {
        ctx.addIssue({ code: "custom", message: `"${part}": wildcards are not allowed; list each origin` });
        continue;
      }
      let url: URL;
      try {
        url = new URL(part);
      } catch {
        ctx.addIssue({ code: "custom", message: `"${part}" is not an origin (expected scheme://host[:port])` });
        continue;
      }
      if ((url.protocol !== "http:" && url.protocol !== "https:") || url.origin !== part.replace(/\/$/, "")) {
        ctx.addIssue({ code: "custom", message: `"${part}" is not an origin (expected http(s)://host[:port], no path)` });
        continue;
      }
      if (!origins.includes(url.origin)) origins.push(url.origin);
    }
    return origins;
  });

/** The request headers a browser client of Spine sends (tRPC, idempotency, correlation). */
export const CORS_ALLOWED_HEADERS = ["authorization", "content-type", "idempotency-key", "x-correlation-id", "trpc-accept"] as const;
/** Response headers a browser client may read. */
export const CORS_EXPOSED_HEADERS = ["x-correlation-id", "retry-after"] as const;
