import type { TRPCRouterRecord } from "@trpc/server";
import { isPlatformOperator, revokeSession } from "@spine/domain";
import { z } from "zod";
import { toUserDto, ZUserSchema } from "../../dto/identity.dto.ts";
import { protectedProcedure, userProcedure } from "../../trpc.ts";
import { ZSignOutRequestSchema, ZSignOutResponseSchema } from "./auth.types.ts";
import { refreshRoute } from "./refresh.ts";
import { signInRoute } from "./sign-in.ts";
import { signUpRoute } from "./sign-up.ts";

export const authRouter = {
  signUp: signUpRoute,
  signIn: signInRoute,
  refresh: refreshRoute,
  signOut: userProcedure
    .input(ZSignOutRequestSchema)
    .output(ZSignOutResponseSchema)
    .mutation(({ ctx, input }) =>
      ctx.run(async (op) => ({ revokedSessions: await revokeSession(op, ctx.user.id, ctx.sessionId, input.everywhere) })),
    ),
  /** The caller, and whether they are a platform operator (the console shows its Operator page only then). */
  me: protectedProcedure
    .output(ZUserSchema.extend({ platformOperator: z.boolean() }))
    .query(async ({ ctx }) => ({
      ...toUserDto(ctx.user),
      platformOperator: await ctx.deps.domain.readUntenanted((em) => isPlatformOperator(em, ctx.user.id)),
    })),
} satisfies TRPCRouterRecord;
