import type { Operation } from "../../context/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { AuthSession, User } from "./entities.ts";

function unauthenticated(message: string): AppError {
  return new AppError("UNAUTHENTICATED", message, { issues: [{ path: "authorization", message }] });
}

/** The user behind verified access-token claims, if the session and token version still stand. */
export async function authenticateSession(op: Operation, claims: { userId: string; sessionId: string; tokenVersion: number }): Promise<User> {
  const user = await op.em.findOne(User, { id: claims.userId, deletedAt: null });
  if (!user || user.tokenVersion !== claims.tokenVersion) throw unauthenticated("access token revoked");
  const session = await op.em.findOne(AuthSession, { id: claims.sessionId, userId: user.id });
  if (!session || session.revokedAt) throw unauthenticated("session signed out");
  return user;
}
