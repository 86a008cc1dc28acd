import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import type { AppRouter, RouterOutputs } from "@spine/api";
import { randomId } from "./random-id.ts";

declare module "@trpc/client" {
  interface OperationContext {
    /** Sent as `Idempotency-Key` on a mutation (one is generated per call when absent): a retry with the same key returns the first result. */
    idempotencyKey?: string;
    /** Sent as `x-correlation-id`; one is generated per call when absent. */
    correlationId?: string;
  }
}

export type SpineClient = TRPCClient<AppRouter>;
export type SpineSession = RouterOutputs["auth"]["signIn"];

/** Rotate tokens with the server's `auth.refresh` and report each new session. */
export interface RefreshTokenOptions {
  refreshToken: string;
  onSession?: (session: SpineSession) => void;
}

export interface SpineClientOptions {
  /** The tRPC endpoint, e.g. `http://127.0.0.1:4000/trpc`. */
  url: string;
  /** A fixed access token (replaced by refreshes). */
  token?: string | null;
  /** Or read the access token per call. */
  getToken?: () => string | null | Promise<string | null>;
  /** On UNAUTHORIZED: a function returning a new access token, or a refresh token to rotate. */
  refresh?: (() => Promise<string | null>) | RefreshTokenOptions;
  fetch?: typeof fetch;
  /**
   * A 503 (transient server failure) is retried this many times, only when the call carries an
   * Idempotency-Key (every mutation does, unless sent without one). Default 3; 0 disables.
   */
  retries?: number;
  /** Upper bound on the wait between retries, whatever `Retry-After` says. Default 2000 ms. */
  maxRetryDelayMs?: number;
}

function retryDelayMs(res: Response, attempt: number, maxMs: number): number {
  const seconds = Number(res.headers.get("retry-after"));
  const base = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 100 * 2 ** attempt;
  return Math.min(base, maxMs);
}

/** Retry a 503 only when the request carries an Idempotency-Key: the server then runs the write at most once. */
function retryingFetch(baseFetch: typeof fetch, retries: number, maxDelayMs: number): typeof fetch {
  return async (input, init) => {
    let res = await baseFetch(input, init);
    const keyed = new Headers(init?.headers).has("idempotency-key");
    for (let attempt = 0; keyed && res.status === 503 && attempt < retries; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(res, attempt, maxDelayMs)));
      res = await baseFetch(input, init);
    }
    return res;
  };
}

function refresherFor(url: string, refresh: SpineClientOptions["refresh"], baseFetch: typeof fetch): (() => Promise<string | null>) | null {
  if (!refresh) return null;
  if (typeof refresh === "function") return refresh;
  const anonymous = createTRPCClient<AppRouter>({ links: [httpLink({ url, fetch: baseFetch })] });
  let refreshToken = refresh.refreshToken;
  return async () => {
    const session = await anonymous.auth.refresh.mutate({ refreshToken }).catch(() => null);
    if (!session) return null;
    refreshToken = session.refreshToken;
    refresh.onSession?.(session);
    return session.accessToken;
  };
}

/**
 * A typed client for the Spine API. It sends `x-correlation-id` on every call and an `Idempotency-Key`
 * on every mutation (`context.idempotencyKey`, or one generated per call), so its own retries never
 * duplicate a write: a 503 is retried with the same key, and on a 401 it refreshes the access token
 * once and retries the same request.
 */
export function createSpineClient(options: SpineClientOptions): SpineClient {
  const baseFetch = retryingFetch(options.fetch ?? globalThis.fetch, options.retries ?? 3, options.maxRetryDelayMs ?? 2000);
  let current = options.token ?? null;
  const readToken = async () => (options.getToken ? await options.getToken() : current);
  const refresher = refresherFor(options.url, options.refresh, baseFetch);
  let inflight: Promise<string | null> | null = null;
  const refreshOnce = () => {
    inflight ??= (refresher ? refresher() : Promise.resolve(null)).then((token) => {
      inflight = null;
      if (token) current = token;
      return token;
    });
    return inflight;
  };

  const fetchWithRefresh: typeof fetch = async (input, init) => {
    const res = await baseFetch(input, init);
    if (res.status !== 401 || !refresher) return res;
    const token = await refreshOnce();
    if (!token) return res;
    const headers = new Headers(init?.headers);
    headers.set("authorization", `Bearer ${token}`);
    return baseFetch(input, { ...init, headers });
  };

  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: options.url,
        fetch: fetchWithRefresh,
        headers: async ({ op }) => {
          const headers: Record<string, string> = { "x-correlation-id": op.context.correlationId ?? randomId() };
          const token = await readToken();
          if (token) headers.authorization = `Bearer ${token}`;
          if (op.type === "mutation") headers["idempotency-key"] = op.context.idempotencyKey ?? randomId();
          return headers;
        },
      }),
    ],
  });
}
