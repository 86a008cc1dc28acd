import { z } from "zod";
import { ZJsonObjectSchema, ZNameSchema } from "../../dto/common.ts";

export const ZCreateWorkspaceRequestSchema = z.object({
  name: ZNameSchema,
  slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, "lowercase letters, digits and inner dashes, at most 64").optional(),
  settings: ZJsonObjectSchema.optional(),
});
export const ZListWorkspacesRequestSchema = z.object({ includeDeleted: z.boolean().default(false) }).default({ includeDeleted: false });
export const ZUpdateWorkspaceRequestSchema = z.object({ name: ZNameSchema.optional(), settings: ZJsonObjectSchema.optional() });
