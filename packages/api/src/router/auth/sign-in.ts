import { createSession, hitRateLimit, verifyCredentials } from "@spine/domain";
import { publicProcedure } from "../../trpc.ts";
import { ZAuthSessionResponseSchema, ZSignInRequestSchema } from "./auth.types.ts";
import { issueTokens } from "./issue-tokens.ts";

/**
 * Exchange email and password for tokens. Attempts are counted per account and per address in
 * their own transaction first, so failed attempts count too.
 */
export const signInRoute = publicProcedure
  .input(ZSignInRequestSchema)
  .output(ZAuthSessionResponseSchema)
  .mutation(async ({ ctx, input }) => {
    const opCtx = { workspaceId: null, actorId: null, actorType: "system" as const, correlationId: ctx.correlationId };
    const limits = ctx.deps.config.signInLimits;
    await ctx.deps.domain.run(opCtx, async (op) => {
      await hitRateLimit(op, { bucket: `signin:account:${input.email.toLowerCase()}`, max: limits.perAccount, windowSeconds: limits.windowSeconds, field: "email" });
      if (ctx.req.ip) await hitRateLimit(op, { bucket: `signin:ip:${ctx.req.ip}`, max: limits.perAddress, windowSeconds: limits.windowSeconds, field: "ip" });
    }).catch((err: unknown) => {
      ctx.log.warn({ ip: ctx.req.ip }, "sign-in rate limited");
      throw err;
    });
    const { user, session, refreshToken } = await ctx.deps.domain.run(opCtx, async (op) => {
      const found = await verifyCredentials(op, input.email, input.password);
      return { user: found, ...(await createSession(op, found, ctx.req, ctx.deps.config.refreshTtlSeconds)) };
    });
    return issueTokens(ctx, user, session, refreshToken);
  });
