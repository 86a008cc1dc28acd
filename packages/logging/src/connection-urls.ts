/**
 * Database roles. Migrations run as the connecting (owner) role. The apps connect as APP_ROLE,
 * which owns nothing and cannot bypass row-level security; SYSTEM_ROLE may read across
 * workspaces and is used only by the outbox relay, retention and operator tooling.
 */
export const APP_ROLE = "spine_app";
export const SYSTEM_ROLE = "spine_system";

function withUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = "";
  return u.toString();
}

/** The app role's URL on the same server and database as the owner URL (local trust auth). */
export function appUrlFrom(ownerUrl: string): string {
  return withUser(ownerUrl, APP_ROLE);
}
/** The system role's URL on the same server and database as the owner URL. */
export function systemUrlFrom(ownerUrl: string): string {
  return withUser(ownerUrl, SYSTEM_ROLE);
}
export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}
/** A connection URL fit for a log line: the password, if any, replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable url)";
  }
}
