import type { Operation } from "../../operation/operation.ts";
import { newId } from "../../shared/ids.ts";
import { AuthSession, type User } from "./entities.ts";
import { formatRefreshToken, hashRefreshSecret, newRefreshSecret } from "./refresh-tokens.ts";

export interface SessionClient {
  ip: string | null;
  userAgent: string | null;
}

/** Open a refresh session for a signed-in user; the plain refresh token is returned once. */
export async function createSession(
  op: Operation,
  user: User,
  client: SessionClient,
  ttlSeconds: number,
): Promise<{ session: AuthSession; refreshToken: string }> {
  const secret = newRefreshSecret();
  const session = op.em.create(AuthSession, {
    id: newId(),
    userId: user.id,
    refreshTokenHash: hashRefreshSecret(secret),
    expiresAt: new Date(Date.now() + ttlSeconds * 1000),
    userAgent: client.userAgent?.slice(0, 500) ?? null,
    ip: client.ip,
  });
  await op.em.flush();
  return { session, refreshToken: formatRefreshToken(session.id, secret) };
}
