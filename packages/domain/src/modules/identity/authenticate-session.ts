import type { EntityManager } from "@mikro-orm/postgresql";
import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { tokenSessionVerdict } from "../../reads/token-session-rule.ts";
import { User } from "./entities.ts";

export interface SessionClaims {
  userId: string;
  sessionId: string;
  tokenVersion: number;
}

function unauthenticated(message: string): AppError {
  return new AppError("UNAUTHENTICATED", message, { issues: [{ path: "authorization", message }] });
}

const SESSION_USER = `select u.*, s.revoked_at as session_revoked_at, s.id as session_id
  from users u left join auth_sessions s on s.id = ? and s.user_id = u.id
  where u.id = ? and u.deleted_at is null`;

/**
 * The user behind verified access-token claims, if the session and token version still stand.
 * One round trip: users and auth_sessions carry no workspace, so no transaction or scope is needed
 * (call it through `Domain.readUntenanted`, or inside an operation).
 */
export async function authenticateUser(em: EntityManager, claims: SessionClaims): Promise<User> {
  const rows = await em.execute<(Record<string, unknown> & { session_id: string | null; session_revoked_at: Date | null })[]>(SESSION_USER, [
    claims.sessionId,
    claims.userId,
  ]);
  const row = rows[0];
  if (!row) throw unauthenticated("access token revoked");
  const { session_id: sessionId, session_revoked_at: revokedAt, ...userRow } = row;
  const user = em.map(User, userRow);
  refuseStaleSession({ tokenVersion: user.tokenVersion, sessionId, revokedAt }, claims.tokenVersion);
  return user;
}

/**
 * UNAUTHENTICATED unless a found, undeleted user's token version and session still stand for the claims
 * (`tokenSessionVerdict`); `null` means no such user. Shared by `authenticateUser` and `authorizeCall`.
 */
export function refuseStaleSession(user: { tokenVersion: number | null; sessionId: string | null; revokedAt: Date | null } | null, claimedTokenVersion: number): void {
  if (!user) throw unauthenticated("access token revoked");
  const verdict = tokenSessionVerdict(
    { userFound: true, userDeleted: false, userTokenVersion: user.tokenVersion, sessionFound: user.sessionId !== null, sessionRevoked: user.revokedAt !== null },
    claimedTokenVersion,
  );
  if (verdict === "session_revoked") throw unauthenticated("session signed out");
  if (verdict !== "ok") throw unauthenticated("access token revoked");
}

/** As `authenticateUser`, inside a running operation. */
export async function authenticateSession(op: Operation, claims: SessionClaims): Promise<User> {
  return authenticateUser(op.em, claims);
}

