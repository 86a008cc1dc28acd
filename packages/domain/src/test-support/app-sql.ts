import pg from "pg";

export interface SqlOutcome {
  rowCount: number;
  rows: Record<string, unknown>[];
  errorCode: string | null;
}

function codeOf(err: unknown): string {
  if (err instanceof Error && "code" in err && typeof err.code === "string") return err.code;
  throw err;
}

/**
 * Run one statement as the app role in its own transaction scoped like the domain scopes it
 * (`set_config(..., true)`), then roll back, so an attempt never leaves anything behind.
 */
export async function appSql(appUrl: string, scope: { workspaceId: string | null; userId?: string }, sql: string, params: unknown[] = []): Promise<SqlOutcome> {
  const client = new pg.Client({ connectionString: appUrl });
  await client.connect();
  try {
    await client.query("begin");
    if (scope.workspaceId) await client.query("select set_config('app.workspace_id', $1, true)", [scope.workspaceId]);
    if (scope.userId) await client.query("select set_config('app.user_id', $1, true)", [scope.userId]);
    try {
      const res = await client.query(sql, params);
      return { rowCount: res.rowCount ?? 0, rows: res.rows as Record<string, unknown>[], errorCode: null };
    } catch (err) {
      return { rowCount: 0, rows: [], errorCode: codeOf(err) };
    } finally {
      await client.query("rollback");
    }
  } finally {
    await client.end();
  }
}
