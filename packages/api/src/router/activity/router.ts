import type { TRPCRouterRecord } from "@trpc/server";
import { findProject, listActivity } from "@spine/domain";
import { ZIdSchema, ZPageInputSchema, zPage } from "../../dto/common.ts";
import { toActivityDto, ZActivitySchema } from "../../dto/product.dto.ts";
import { workspaceProcedure } from "../../trpc.ts";

export const ZListActivityRequestSchema = ZPageInputSchema.extend({ projectId: ZIdSchema.optional() });

export const activityRouter = {
  /** The workspace's feed, or one project's when `projectId` is given. */
  list: workspaceProcedure("activity.read", ZListActivityRequestSchema)
    .output(zPage(ZActivitySchema))
    .query(({ ctx, input }) =>
      ctx.run(async (op) => {
        if (input.projectId) await findProject(op, input.projectId, { includeDeleted: true });
        const page = await listActivity(op, input);
        return { items: page.items.map(toActivityDto), nextCursor: page.nextCursor };
      }),
    ),
} satisfies TRPCRouterRecord;
