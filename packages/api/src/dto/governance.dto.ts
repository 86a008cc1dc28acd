import { accessStatusAt, type AccessSnapshot, type UsageCounterState, type UsagePolicy } from "@spine/domain";
import { z } from "zod";
import { iso, ZIdSchema, ZTimestampSchema } from "./common.ts";

export const ZUsageWindowSchema = z.enum(["day", "month"], { error: "must be day or month" });
export const ZUsagePolicyActionSchema = z.enum(["block", "notify"], { error: "must be block or notify" });

export const ZUsagePolicySchema = z.object({
  id: ZIdSchema, metric: z.string(), window: ZUsageWindowSchema, limit: z.number().int(), action: ZUsagePolicyActionSchema,
  createdAt: ZTimestampSchema, updatedAt: ZTimestampSchema,
});
export type TUsagePolicy = z.infer<typeof ZUsagePolicySchema>;
export function toUsagePolicyDto(p: UsagePolicy): TUsagePolicy {
  return {
    id: p.id, metric: p.metric, window: p.window, limit: p.limitValue, action: p.action as TUsagePolicy["action"],
    createdAt: iso(p.createdAt), updatedAt: iso(p.updatedAt),
  };
}

export const ZUsageCounterSchema = z.object({
  metric: z.string(), window: ZUsageWindowSchema, windowStart: ZTimestampSchema, resetsAt: ZTimestampSchema, value: z.number().int(),
  limit: z.number().int().nullable(), limitReached: z.boolean(),
});
export type TUsageCounter = z.infer<typeof ZUsageCounterSchema>;
export function toUsageCounterDto(c: UsageCounterState): TUsageCounter {
  return {
    metric: c.metric, window: c.window, windowStart: iso(c.windowStart), resetsAt: iso(c.resetsAt), value: c.value, limit: c.limit, limitReached: c.limitReached,
  };
}

export const ZAccessStateSchema = z.object({
  state: z.enum(["active", "inactive"]), plan: z.string().nullable(), effectiveAt: ZTimestampSchema.nullable(),
  expiresAt: ZTimestampSchema.nullable(), reason: z.string().nullable(), lastEventId: ZIdSchema.nullable(),
  /** As the access gate sees it now: `expired` is active access past its expiry that the expiry job has not ended yet. */
  status: z.enum(["active", "inactive", "expired"]),
  version: z.number().int(), nextTransitionAt: ZTimestampSchema.nullable(),
});
export type TAccessState = z.infer<typeof ZAccessStateSchema>;
export function toAccessStateDto(s: AccessSnapshot, now: Date): TAccessState {
  return {
    state: s.state, plan: s.plan, effectiveAt: iso(s.effectiveAt), expiresAt: iso(s.expiresAt),
    reason: s.reason, lastEventId: s.lastEventId, status: accessStatusAt(s, now), version: s.version, nextTransitionAt: iso(s.nextTransitionAt),
  };
}
