import { z } from "zod";
import { ZIdSchema, ZNameSchema, ZPageInputSchema, ZTextSchema } from "../../dto/common.ts";

const ZDescriptionSchema = ZTextSchema.max(10_000, "must be at most 10000 characters");
export const ZCreateProjectRequestSchema = z.object({ name: ZNameSchema, description: ZDescriptionSchema.optional() });
export const ZProjectRefSchema = z.object({ projectId: ZIdSchema });
export const ZUpdateProjectRequestSchema = z.object({ projectId: ZIdSchema, name: ZNameSchema.optional(), description: ZDescriptionSchema.optional() });
export const ZListProjectsRequestSchema = ZPageInputSchema.extend({
  search: ZTextSchema.max(200, "must be at most 200 characters").optional(),
  includeDeleted: z.boolean().default(false),
});
