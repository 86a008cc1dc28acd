import type { TRPCRouterRecord } from "@trpc/server";
import { revokeSession } from "@spine/domain";
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
  me: protectedProcedure.output(ZUserSchema).query(({ ctx }) => toUserDto(ctx.user)),
} satisfies TRPCRouterRecord;
