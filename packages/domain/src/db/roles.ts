/**
 * Database roles. Migrations run as the connecting (owner) role. The app connects as APP_ROLE,
 * which owns nothing and cannot bypass row-level security; SYSTEM_ROLE may read across
 * workspaces and is used only by the outbox relay, retention and operator tooling.
 */
export { APP_ROLE, SYSTEM_ROLE } from "@spine/logging";

/** Session settings set per transaction by the one scope function (context/session-settings.ts). */
export const WORKSPACE_SETTING = "app.workspace_id";
export const USER_SETTING = "app.user_id";
