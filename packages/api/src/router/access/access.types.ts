import { z } from "zod";
import { ZTextSchema, ZTimestampSchema } from "../../dto/common.ts";

const ZPlanSchema = ZTextSchema.trim().min(1, "must not be empty").max(64, "must be at most 64 characters");
/** When the change takes effect; defaults to now. A future instant is stored and applied when it comes; a past one is placed in the history by its time. */
const ZEffectiveAtSchema = ZTimestampSchema.optional();

export const ZChangeAccessRequestSchema = z.object({
  change: z.discriminatedUnion("type", [
    z.object({ type: z.literal("activate"), plan: ZPlanSchema, expiresAt: ZTimestampSchema.nullable().default(null), effectiveAt: ZEffectiveAtSchema }),
    z.object({ type: z.literal("change"), plan: ZPlanSchema, expiresAt: ZTimestampSchema.nullable().default(null), effectiveAt: ZEffectiveAtSchema }),
    z.object({ type: z.literal("deactivate"), reason: ZTextSchema.trim().min(1, "must not be empty").max(200, "must be at most 200 characters"), effectiveAt: ZEffectiveAtSchema }),
  ], { error: "must be one of activate, change, deactivate" }),
});
export type TChangeAccessRequest = z.infer<typeof ZChangeAccessRequestSchema>;
