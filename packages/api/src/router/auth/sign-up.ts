import { createSession, signUp } from "@spine/domain";
import { publicProcedure } from "../../trpc.ts";
import { ZAuthSessionResponseSchema, ZSignUpRequestSchema } from "./auth.types.ts";
import { issueTokens } from "./issue-tokens.ts";

/** Create an account and sign it in. */
export const signUpRoute = publicProcedure
  .input(ZSignUpRequestSchema)
  .output(ZAuthSessionResponseSchema)
  .mutation(async ({ ctx, input }) => {
    const opCtx = { workspaceId: null, actorId: null, actorType: "system" as const, correlationId: ctx.correlationId };
    const { user, session, refreshToken } = await ctx.deps.domain.run(opCtx, async (op) => {
      const created = await signUp(op, input);
      return { user: created, ...(await createSession(op, created, ctx.req, ctx.deps.config.refreshTtlSeconds)) };
    });
    ctx.log.info({ user_id: user.id }, "user signed up");
    return issueTokens(ctx, user, session, refreshToken);
  });
