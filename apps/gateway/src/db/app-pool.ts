import { createPgPool } from "@spine/domain/reads";
import type pg from "pg";

export function createAppPool(appDatabaseUrl: string, onError?: (err: Error) => void): pg.Pool {
  return createPgPool({
    connectionString: appDatabaseUrl,
    max: 5,
    idleTimeoutMillis: 10_000,
    applicationName: "spine-gateway",
    ...(onError ? { onError } : {}),
  });
}
