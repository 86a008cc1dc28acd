import { z } from "zod";
import { ZUsagePolicyActionSchema, ZUsageWindowSchema } from "../../dto/governance.dto.ts";

export const ZMetricSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "must be lowercase letters, digits, '.', '_' or '-'");

export const ZSetUsagePolicyRequestSchema = z.object({
  metric: ZMetricSchema,
  window: ZUsageWindowSchema,
  limit: z.number({ error: "must be a number" }).int("must be an integer").min(0, "must not be negative").max(Number.MAX_SAFE_INTEGER, "is too large"),
  action: ZUsagePolicyActionSchema.default("block"),
});
export const ZClearUsagePolicyRequestSchema = z.object({ metric: ZMetricSchema, window: ZUsageWindowSchema });
export const ZListUsageCountersRequestSchema = z.object({ metric: ZMetricSchema.optional() });
