import { randomUUID } from "node:crypto";
import { createSpineClient, type SpineClient, type SpineSession } from "@spine/client";
import { fingerprintTables, type ActorSource, type RawResponse } from "@spine/api/test-support";
import { createTestDatabase, testKeyRing, type TestDatabase } from "@spine/testing";
import pg from "pg";
import { pino } from "pino";
import { createApiServer, type ApiServer, type ApiServerOptions } from "../server.ts";

export const TEST_TOKEN_SECRET = "test-secret-for-the-api-suite-0123456789";

export interface Actor {
  email: string;
  session: SpineSession;
  userId: string;
  client: SpineClient;
}

export type { RawResponse };

/** The API host on a free port, called over HTTP (the router itself is tested in-process in packages/api). */
export interface Harness extends ActorSource {
  db: TestDatabase;
  api: ApiServer;
  /** Reads across workspaces (system role, bypasses RLS) for assertions. */
  sql: pg.Client;
  signUp(label: string): Promise<Actor>;
  clientFor(token: string, context?: { correlationId?: string }): SpineClient;
  raw(path: string, opts: { type: "query" | "mutation"; input?: unknown; token?: string; headers?: Record<string, string> }): Promise<RawResponse>;
  fingerprint(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** A fresh database and an API server on a free port, for one test file. */
export async function startHarness(label: string, options: Partial<ApiServerOptions> = {}): Promise<Harness> {
  const db = await createTestDatabase(label);
  const api = await createApiServer({
    databaseUrl: db.ownerUrl,
    tokenSecret: TEST_TOKEN_SECRET,
    keyRing: testKeyRing(),
    logger: pino({ level: "silent" }),
    ...options,
  });
  const sql = new pg.Client({ connectionString: db.systemUrl });
  await sql.connect();

  const clientFor = (token: string) => createSpineClient({ url: api.trpcUrl, token });
  const anonymous = createSpineClient({ url: api.trpcUrl });

  return {
    db, api, sql, clientFor,
    async signUp(name) {
      const email = `${name}-${randomUUID().slice(0, 8)}@example.test`;
      const session = await anonymous.auth.signUp.mutate({ email, password: "correct horse battery", displayName: name });
      return { email, session, userId: session.user.id, client: clientFor(session.accessToken) };
    },
    async raw(path, opts) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let res: Response;
      if (opts.type === "query") {
        const qs = opts.input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(opts.input))}`;
        res = await fetch(`${api.trpcUrl}/${path}${qs}`, { headers });
      } else {
        res = await fetch(`${api.trpcUrl}/${path}`, {
          method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(opts.input ?? null),
        });
      }
      return { status: res.status, headers: res.headers, body: (await res.json()) as RawResponse["body"] };
    },
    fingerprint: () => fingerprintTables(sql),
    async close() {
      await sql.end();
      await api.close();
      await db.drop();
    },
  };
}
