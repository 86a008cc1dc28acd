import { AppError, refreshSession } from "@spine/domain";
import { publicProcedure } from "../../trpc.ts";
import { ZAuthSessionResponseSchema, ZRefreshRequestSchema } from "./auth.types.ts";
import { issueTokens } from "./issue-tokens.ts";

/** Rotate the refresh token and mint a new access token. A reused refresh token ends the session. */
export const refreshRoute = publicProcedure
  .input(ZRefreshRequestSchema)
  .output(ZAuthSessionResponseSchema)
  .mutation(async ({ ctx, input }) => {
    const opCtx = { workspaceId: null, actorId: null, actorType: "system" as const, correlationId: ctx.correlationId };
    const result = await ctx.deps.domain.run(opCtx, (op) => refreshSession(op, input.refreshToken, ctx.deps.config.refreshTtlSeconds));
    if (result.revoked) {
      ctx.log.warn({ user_id: result.user.id, session_id: result.session.id }, "refresh token reuse; session revoked");
      throw new AppError("UNAUTHENTICATED", "refresh token reused; session revoked", { issues: [{ path: "refreshToken", message: "reused" }] });
    }
    return issueTokens(ctx, result.user, result.session, result.refreshToken);
  });
