/** What a transaction is scoped to: the tenant (`app.workspace_id`) and the acting user (`app.user_id`). */
export interface SessionScope {
  workspaceId?: string | null;
  userId?: string | null;
}

/** How a driver writes a positional parameter: MikroORM/knex uses `?`, `pg` uses `$n`. */
export type PlaceholderStyle = "knex" | "pg";

/**
 * The one statement that sets the row-level-security session settings for the rest of the current
 * transaction (`set_config(..., true)`). Every scoped transaction in Spine goes through here: the ORM's
 * `Domain.run`/`runSystem` and the pg-only scoped transactions of `@spine/domain/reads`.
 */
export function sessionSettingsStatement(scope: SessionScope, style: PlaceholderStyle): { sql: string; params: [string, string] } {
  const [ws, user] = style === "pg" ? ["$1", "$2"] : ["?", "?"];
  return {
    sql: `select set_config('app.workspace_id', ${ws}, true), set_config('app.user_id', ${user}, true)`,
    params: [scope.workspaceId ?? "", scope.userId ?? ""],
  };
}
