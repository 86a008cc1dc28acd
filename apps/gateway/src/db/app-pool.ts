import pg from "pg";

export function createAppPool(appDatabaseUrl: string): pg.Pool {
  return new pg.Pool({ connectionString: appDatabaseUrl, max: 5, idleTimeoutMillis: 10_000, application_name: "spine-gateway" });
}
