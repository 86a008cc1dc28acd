import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import type { AppRouter, RouterOutputs } from "@spine/api";

declare module "@trpc/client" {
  interface OperationContext {
    /** Sent as `Idempotency-Key` on a mutation: a retry with the same key returns the first result. */
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
 * A typed client for the Spine API. It sends `x-correlation-id` on every call, `Idempotency-Key`
 * on mutations given `context.idempotencyKey`, and on a 401 refreshes the access token once and
 * retries the same request (same idempotency key).
 */
export function createSpineClient(options: SpineClientOptions): SpineClient {
  const baseFetch = options.fetch ?? globalThis.fetch;
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
          const headers: Record<string, string> = { "x-correlation-id": op.context.correlationId ?? crypto.randomUUID() };
          const token = await readToken();
          if (token) headers.authorization = `Bearer ${token}`;
          if (op.type === "mutation" && op.context.idempotencyKey) headers["idempotency-key"] = op.context.idempotencyKey;
          return headers;
        },
      }),
    ],
  });
}
