import { createPgPool } from "@spine/domain";
import type pg from "pg";

/** Run `fn` in one transaction of the app role with the RLS settings applied (`SET LOCAL` semantics). */
export async function withAppTransaction<T>(
  pool: pg.Pool,
  settings: { userId: string; workspaceId?: string },
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin read only");
    await client.query("select set_config('app.user_id', $1, true), set_config('app.workspace_id', $2, true)", [
      settings.userId,
      settings.workspaceId ?? "",
    ]);
    const result = await fn(client);
    await client.query("commit");
    return result;
  } catch (err) {
    await client.query("rollback").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export function createAppPool(appDatabaseUrl: string, onError?: (err: Error) => void): pg.Pool {
  return createPgPool({
    connectionString: appDatabaseUrl,
    max: 5,
    idleTimeoutMillis: 10_000,
    applicationName: "spine-gateway",
    ...(onError ? { onError } : {}),
  });
}
