import type { Operation } from "../../operation/operation.ts";
import { recordSystemAudit } from "../ops/record-system-audit.ts";
import { AuthSession, User } from "./entities.ts";

/**
 * Sign out: revoke this session, or every session and every access token of the user. Announces
 * `session.revoked` (a system event) in the same transaction, so every gateway cuts the affected
 * sockets as soon as it is published rather than at its next periodic check.
 */
export async function revokeSession(op: Operation, userId: string, sessionId: string, everywhere: boolean): Promise<number> {
  const now = new Date();
  const where = everywhere ? { userId, revokedAt: null } : { id: sessionId, userId, revokedAt: null };
  const sessions = await op.em.find(AuthSession, where);
  for (const session of sessions) session.revokedAt = now;
  let tokenVersion: number | null = null;
  if (everywhere) {
    const user = await op.em.findOneOrFail(User, { id: userId });
    user.tokenVersion += 1;
    tokenVersion = user.tokenVersion;
  }
  await op.em.flush();
  if (everywhere || sessions.length > 0) {
    op.emit("session.revoked", {
      user_id: userId, session_id: everywhere ? null : sessionId, token_version: tokenVersion, reason: everywhere ? "sign_out_everywhere" : "sign_out",
    });
  }
  if (everywhere) {
    await recordSystemAudit(op, {
      action: "session.revoke_all", targetType: "user", targetId: userId, actorId: userId, actorType: "user",
      details: { revoked_sessions: sessions.length },
    });
  }
  return sessions.length;
}
