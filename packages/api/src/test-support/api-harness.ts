import { randomUUID } from "node:crypto";
import { createTRPCClient, TRPCClientError, type TRPCClient, type TRPCLink } from "@trpc/client";
import { getErrorShape, getTRPCErrorFromUnknown, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { observable } from "@trpc/server/observable";
import { AccessTokenService } from "@spine/auth";
import type { Domain } from "@spine/domain";
import type pg from "pg";
import { pino } from "pino";
import { createContext, DEFAULT_API_CONFIG, type ApiConfig, type ApiDeps } from "../context.ts";
import { checkRawInput } from "../request/input-limits.ts";
import { readRequestMeta } from "../request/request-meta.ts";
import { appRouter, type AppRouter } from "../root.ts";
import type { RouterOutputs } from "../index.ts";
import { createCallerFactory } from "../trpc.ts";
import { ApiCallMeter, type ApiCallMeterOptions } from "../usage/api-call-meter.ts";
import type { AgentModels } from "../router/agent/agent-models.ts";

export const TEST_TOKEN_SECRET = "test-secret-for-the-api-suite-0123456789";

/** Tables a "nothing changed" check fingerprints. */
export const WATCHED_TABLES = [
  "users", "workspaces", "roles", "workspace_memberships", "projects", "items", "documents",
  "activity_logs", "audit_logs", "outbox", "idempotency_keys",
] as const;

/** Count and hash of every watched table (read with a system-role client). */
export async function fingerprintTables(sql: pg.Client): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of WATCHED_TABLES) {
    const { rows } = await sql.query<{ n: string; h: string | null }>(
      `select count(*)::text as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from ${table} t`,
    );
    out[table] = `${rows[0]?.n}:${rows[0]?.h}`;
  }
  return out;
}

/** The typed client (the same type as `@spine/client`'s `SpineClient`). */
export type ApiClient = TRPCClient<AppRouter>;
export type ApiSession = RouterOutputs["auth"]["signIn"];

/** A signed-up account and a client that calls as it. */
export interface Actor {
  email: string;
  session: ApiSession;
  userId: string;
  client: ApiClient;
}

/** Where fixtures make accounts and read rows: the in-process harness here, or the HTTP host's harness. */
export interface ActorSource {
  /** Reads across workspaces (system role, bypasses RLS) for seeding and assertions. */
  sql: pg.Client;
  signUp(label: string): Promise<Actor>;
}

/** One call answered as the HTTP host would answer it: status, headers, and the JSON body. */
export interface RawResponse {
  status: number;
  headers: Headers;
  body: { result?: { data: unknown }; error?: { message: string; code: number; data: { code: string; appCode: string | null; issues: { path: string; message: string }[] } } };
}

export interface RawCall {
  type: "query" | "mutation";
  input?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

export interface ApiHarnessOptions {
  config?: Partial<ApiConfig>;
  /** `api_calls` metering options (e.g. an hour-long flush interval, so a test decides when counts are written). */
  apiCalls?: ApiCallMeterOptions;
  /** Read the client address from `x-forwarded-for`, as the host does behind a trusted proxy. */
  trustProxy?: boolean;
  accessTtlSeconds?: number;
  ai?: AgentModels;
}

/**
 * The router, called in-process through `createCallerFactory` with the deps the host would inject:
 * no HTTP server, no port. What the host adds at its edge is reproduced so the procedures see what they
 * would see behind it: the request meta is read from headers (`readRequestMeta`), the raw input goes
 * through JSON and `checkRawInput`, errors are shaped by the router's error formatter with the host's
 * HTTP status, and results are JSON (dates as strings). HTTP itself (body limits, CORS, batching,
 * Retry-After) is tested on the host in apps/api.
 */
export interface ApiHarness extends ActorSource {
  deps: ApiDeps;
  domain: Domain;
  tokens: AccessTokenService;
  /** The `api_calls` meter (`flush()` writes its buffered counts now). */
  apiCalls: ApiCallMeter;
  /** A typed client calling as `token`; like `@spine/client` it sends an Idempotency-Key on every mutation. */
  clientFor(token: string): ApiClient;
  anonymous: ApiClient;
  raw(path: string, call: RawCall): Promise<RawResponse>;
  fingerprint(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

const createCaller = createCallerFactory(appRouter);
const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } } | undefined>;

/** Build the harness on a Domain (app role) and a system-role client; `close()` flushes and stops the meter. */
export function createApiHarness(domain: Domain, sql: pg.Client, options: ApiHarnessOptions = {}): ApiHarness {
  const logger = pino({ level: "silent" });
  const tokens = new AccessTokenService({ secret: TEST_TOKEN_SECRET, accessTtlSeconds: options.accessTtlSeconds ?? 900 });
  const apiCalls = new ApiCallMeter(domain, logger, options.apiCalls);
  const deps: ApiDeps = { domain, tokens, logger, config: { ...DEFAULT_API_CONFIG, ...options.config }, apiCalls, ...(options.ai ? { ai: options.ai } : {}) };

  async function raw(path: string, call: RawCall): Promise<RawResponse> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(call.headers ?? {})) headers[name.toLowerCase()] = value;
    if (call.token) headers.authorization = `Bearer ${call.token}`;
    const meta = readRequestMeta(headers, "127.0.0.1", options.trustProxy ?? false);
    const responseHeaders = new Headers({ "x-correlation-id": meta.correlationId });
    // The input as it crosses the wire: JSON, checked at the edge before anything parses it.
    const wire = call.type === "mutation" ? JSON.stringify(call.input ?? null) : call.input === undefined ? undefined : JSON.stringify(call.input);
    if (wire !== undefined) meta.inputError = checkRawInput(wire);
    const input: unknown = meta.inputError || wire === undefined ? (call.type === "mutation" ? null : undefined) : JSON.parse(wire);
    const ctx = createContext(deps, meta);
    try {
      const procedure = procedures[path];
      if (!procedure) throw new TRPCError({ code: "NOT_FOUND", message: `No procedure found on path "${path}"` });
      if (procedure._def.type !== call.type) throw new TRPCError({ code: "METHOD_NOT_SUPPORTED", message: `Unsupported ${call.type} on "${path}"` });
      let target: unknown = createCaller(ctx);
      for (const key of path.split(".")) target = (target as Record<string, unknown>)[key];
      const data = await (target as (input: unknown) => Promise<unknown>)(input);
      return { status: 200, headers: responseHeaders, body: JSON.parse(JSON.stringify({ result: { data } })) as RawResponse["body"] };
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      const shape = getErrorShape({ config: appRouter._def._config, error, type: call.type, path, input, ctx });
      return { status: getHTTPStatusCodeFromError(error), headers: responseHeaders, body: JSON.parse(JSON.stringify({ error: shape })) as RawResponse["body"] };
    }
  }

  /** A tRPC link that answers every operation with `raw` (headers as `@spine/client` sends them). */
  const inProcessLink = (token: string | null): TRPCLink<AppRouter> => () => ({ op }) =>
    observable((observer) => {
      const context = op.context as { correlationId?: string; idempotencyKey?: string };
      const headers: Record<string, string> = { "x-correlation-id": context.correlationId ?? randomUUID() };
      if (op.type === "mutation") headers["idempotency-key"] = context.idempotencyKey ?? randomUUID();
      if (op.type === "subscription") {
        observer.error(TRPCClientError.from(new Error("subscriptions are not served in-process")));
        return;
      }
      raw(op.path, { type: op.type, input: op.input, headers, ...(token ? { token } : {}) }).then(
        (res) => {
          if (res.body.error) observer.error(TRPCClientError.from({ error: res.body.error } as Parameters<typeof TRPCClientError.from>[0]));
          else {
            observer.next({ result: { type: "data", data: res.body.result?.data } });
            observer.complete();
          }
        },
        (err: unknown) => observer.error(TRPCClientError.from(err as Error)),
      );
    });

  const clientFor = (token: string): ApiClient => createTRPCClient<AppRouter>({ links: [inProcessLink(token)] });
  const anonymous = createTRPCClient<AppRouter>({ links: [inProcessLink(null)] });

  return {
    deps, domain, tokens, apiCalls, sql, clientFor, anonymous, raw,
    async signUp(name) {
      const email = `${name}-${randomUUID().slice(0, 8)}@example.test`;
      const session = await anonymous.auth.signUp.mutate({ email, password: "correct horse battery", displayName: name });
      return { email, session, userId: session.user.id, client: clientFor(session.accessToken) };
    },
    fingerprint: () => fingerprintTables(sql),
    async close() {
      // The buffered api_calls counts are written before the domain's pool closes.
      await apiCalls.close();
    },
  };
}
