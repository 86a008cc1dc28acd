import { ZItemStatusSchema } from "@spine/domain";
import { z } from "zod";
import { ZIdSchema, ZNameSchema, ZPageInputSchema, ZTextSchema } from "../../dto/common.ts";

const ZBodySchema = ZTextSchema.max(100_000, "must be at most 100000 characters");
export const ZCreateItemRequestSchema = z.object({ projectId: ZIdSchema, title: ZNameSchema, body: ZBodySchema.optional(), status: ZItemStatusSchema.optional() });
export const ZItemRefSchema = z.object({ itemId: ZIdSchema });
export const ZUpdateItemRequestSchema = z.object({
  itemId: ZIdSchema, projectId: ZIdSchema.optional(), title: ZNameSchema.optional(), body: ZBodySchema.optional(), status: ZItemStatusSchema.optional(),
});
export const ZListItemsRequestSchema = ZPageInputSchema.extend({
  projectId: ZIdSchema.optional(),
  status: ZItemStatusSchema.optional(),
  includeDeleted: z.boolean().default(false),
});
