import { LockMode } from "@mikro-orm/core";
import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { recordSystemAudit } from "../ops/record-system-audit.ts";
import { AuthSession, User } from "./entities.ts";
import { formatRefreshToken, hashRefreshSecret, newRefreshSecret, parseRefreshToken, refreshSecretMatches } from "./refresh-tokens.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(message: string): AppError {
  return new AppError("UNAUTHENTICATED", message, { issues: [{ path: "refreshToken", message }] });
}

/**
 * Rotate a refresh token. Presenting a superseded secret revokes the session, because only a
 * thief or a replay can hold one.
 */
export async function refreshSession(
  op: Operation,
  refreshToken: string,
  ttlSeconds: number,
): Promise<{ user: User; session: AuthSession; refreshToken: string; revoked: boolean }> {
  const parsed = parseRefreshToken(refreshToken);
  if (!parsed || !UUID.test(parsed.sessionId)) throw invalid("malformed refresh token");
  const session = await op.em.findOne(AuthSession, { id: parsed.sessionId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!session || session.revokedAt) throw invalid("refresh token revoked or unknown");
  if (session.expiresAt.getTime() <= Date.now()) throw invalid("refresh token expired");
  const user = await op.em.findOne(User, { id: session.userId, deletedAt: null });
  if (!user) throw invalid("refresh token revoked or unknown");
  if (!refreshSecretMatches(session.refreshTokenHash, parsed.secret)) {
    session.revokedAt = new Date();
    op.emit("session.revoked", { user_id: user.id, session_id: session.id, token_version: null, reason: "refresh_token_reuse" });
    await op.em.flush();
    // Whoever presented the token is unknown (the user or a thief): the system revoked it.
    await recordSystemAudit(op, {
      action: "session.revoked_on_reuse", targetType: "session", targetId: session.id, actorId: null, actorType: "system",
      details: { user_id: user.id },
    });
    return { user, session, refreshToken: "", revoked: true };
  }
  const secret = newRefreshSecret();
  session.refreshTokenHash = hashRefreshSecret(secret);
  session.expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  await op.em.flush();
  return { user, session, refreshToken: formatRefreshToken(session.id, secret), revoked: false };
}
