import type { AuthSession, User } from "@spine/domain";
import type { ApiContext } from "../../context.ts";
import { toUserDto } from "../../dto/identity.dto.ts";
import type { TAuthSessionResponse } from "./auth.types.ts";

/** Sign a short-lived access token for a session and package it with the refresh token. */
export async function issueTokens(ctx: ApiContext, user: User, session: AuthSession, refreshToken: string): Promise<TAuthSessionResponse> {
  const access = await ctx.deps.tokens.sign({ userId: user.id, tokenVersion: user.tokenVersion, sessionId: session.id });
  return {
    user: toUserDto(user),
    sessionId: session.id,
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt.toISOString(),
    refreshToken,
  };
}
