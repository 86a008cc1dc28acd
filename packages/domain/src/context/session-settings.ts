/** What a transaction is scoped to: the tenant (`app.workspace_id`) and the acting user (`app.user_id`). */
export interface SessionScope {
  workspaceId?: string | null;
  userId?: string | null;
}

/** How a driver writes a positional parameter: MikroORM/knex uses `?`, `pg` uses `$n`. */
export type PlaceholderStyle = "knex" | "pg";

function settingsSql(workspace: string, user: string): string {
  return `select set_config('app.workspace_id', ${workspace}, true), set_config('app.user_id', ${user}, true)`;
}

/**
 * The one statement that sets the row-level-security session settings for the rest of the current
 * transaction (`set_config(..., true)`). Every scoped transaction in Spine goes through here: the ORM's
 * `Domain.run`/`runSystem` and the pg-only scoped transactions of `@spine/domain/reads`.
 */
export function sessionSettingsStatement(scope: SessionScope, style: PlaceholderStyle): { sql: string; params: [string, string] } {
  const [ws, user] = style === "pg" ? ["$1", "$2"] : ["?", "?"];
  return { sql: settingsSql(ws, user), params: [scope.workspaceId ?? "", scope.userId ?? ""] };
}

/** Ids are the only values a scope carries; anything else is not inlined into SQL text. */
const INLINABLE = /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$/;

/**
 * `BEGIN` and the same session settings as one simple-protocol query (one round trip instead of two), or
 * null when a value of the scope is not a UUID (the caller then begins plainly and runs
 * `sessionSettingsStatement` as its own statement). The values are inlined because a multi-statement
 * query cannot carry parameters; only UUIDs (or nothing) are, so no quoting is involved.
 */
export function beginWithSessionSettingsSql(scope: SessionScope): string | null {
  const ws = scope.workspaceId ?? "";
  const user = scope.userId ?? "";
  if (!INLINABLE.test(ws) || !INLINABLE.test(user)) return null;
  return `begin; ${settingsSql(`'${ws}'`, `'${user}'`)}`;
}
