import { APP_ROLE, SYSTEM_ROLE } from "./roles.ts";

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
export function systemUrlFrom(ownerUrl: string): string {
  return withUser(ownerUrl, SYSTEM_ROLE);
}
export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}
