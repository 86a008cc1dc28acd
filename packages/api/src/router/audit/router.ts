import type { TRPCRouterRecord } from "@trpc/server";
import { listAuditLogs } from "@spine/domain";
import { ZIdSchema, ZPageInputSchema, ZTextSchema, ZTimestampSchema, zPage } from "../../dto/common.ts";
import { toAuditEntryDto, ZAuditEntrySchema } from "../../dto/product.dto.ts";
import { workspaceProcedure } from "../../trpc.ts";

export const ZListAuditRequestSchema = ZPageInputSchema.extend({
  actorId: ZIdSchema.optional(),
  action: ZTextSchema.max(100).optional(),
  targetType: ZTextSchema.max(64).optional(),
  targetId: ZIdSchema.optional(),
  from: ZTimestampSchema.optional(),
  to: ZTimestampSchema.optional(),
});

export const auditRouter = {
  /** Owners' and admins' view of privileged changes; `from` inclusive, `to` exclusive. */
  list: workspaceProcedure("audit.read", ZListAuditRequestSchema)
    .output(zPage(ZAuditEntrySchema))
    .query(({ ctx, input }) =>
      ctx.run(async (op) => {
        const page = await listAuditLogs(op, {
          ...input,
          from: input.from ? new Date(input.from) : undefined,
          to: input.to ? new Date(input.to) : undefined,
        });
        return { items: page.items.map(toAuditEntryDto), nextCursor: page.nextCursor };
      }),
    ),
} satisfies TRPCRouterRecord;
