import { createSession, hitRateLimit, releaseRateLimitHit, verifyCredentials, type RateLimitHit } from "@spine/domain";
import { publicProcedure } from "../../trpc.ts";
import { ZAuthSessionResponseSchema, ZSignInRequestSchema } from "./auth.types.ts";
import { issueTokens } from "./issue-tokens.ts";

/**
 * Exchange email and password for tokens. Only failed attempts use up the limits (per account and
 * per address): each attempt is counted in its own transaction before the password check, so
 * concurrent guesses cannot overrun the limit, and a successful sign-in gives its hits back.
 */
export const signInRoute = publicProcedure
  .input(ZSignInRequestSchema)
  .output(ZAuthSessionResponseSchema)
  .mutation(async ({ ctx, input }) => {
    const opCtx = { workspaceId: null, actorId: null, actorType: "system" as const, correlationId: ctx.correlationId };
    const limits = ctx.deps.config.signInLimits;
    const hits = await ctx.deps.domain.run(opCtx, async (op) => {
      const counted: RateLimitHit[] = [];
      counted.push(await hitRateLimit(op, { bucket: `signin:account:${input.email.toLowerCase()}`, max: limits.perAccount, windowSeconds: limits.windowSeconds, field: "email" }));
      if (ctx.req.ip) counted.push(await hitRateLimit(op, { bucket: `signin:ip:${ctx.req.ip}`, max: limits.perAddress, windowSeconds: limits.windowSeconds, field: "ip" }));
      return counted;
    }).catch((err: unknown) => {
      ctx.log.warn({ ip: ctx.req.ip }, "sign-in rate limited");
      throw err;
    });
    const { user, session, refreshToken } = await ctx.deps.domain.run(opCtx, async (op) => {
      const found = await verifyCredentials(op, input.email, input.password);
      return { user: found, ...(await createSession(op, found, ctx.req, ctx.deps.config.refreshTtlSeconds)) };
    });
    // Signed in: the attempt was not a failure, so it does not count against the limits.
    await ctx.deps.domain.run(opCtx, async (op) => {
      for (const hit of hits) await releaseRateLimitHit(op, hit);
    }).catch((err: unknown) => ctx.log.warn({ err }, "could not release sign-in rate-limit hits"));
    return issueTokens(ctx, user, session, refreshToken);
  });
