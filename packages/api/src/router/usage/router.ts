import type { TRPCRouterRecord } from "@trpc/server";
import { clearUsagePolicy, listUsageCounters, listUsagePolicies, recordActivity, setUsagePolicy } from "@spine/domain";
import { z } from "zod";
import { toUsageCounterDto, toUsagePolicyDto, ZUsageCounterSchema, ZUsagePolicySchema } from "../../dto/governance.dto.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { ZClearUsagePolicyRequestSchema, ZListUsageCountersRequestSchema, ZSetUsagePolicyRequestSchema } from "./usage.types.ts";

export const usageRouter = {
  /** Create or change a limit (audited; usage_policy.set when it changed). */
  setPolicy: workspaceProcedure("usage.manage", ZSetUsagePolicyRequestSchema)
    .output(ZUsagePolicySchema)
    .mutation(({ ctx, input }) =>
      ctx.run(async (op) => {
        const policy = await setUsagePolicy(op, input);
        const summary = `set usage limit ${policy.metric} per ${policy.window} to ${policy.limitValue} (${policy.action})`;
        recordActivity(op, { verb: "set", targetType: "usage_policy", targetId: policy.id, summary });
        return toUsagePolicyDto(policy);
      }),
    ),
  /** Remove a limit (audited; usage_policy.cleared); NOT_FOUND when there is none. */
  clearPolicy: workspaceProcedure("usage.manage", ZClearUsagePolicyRequestSchema)
    .output(z.object({ metric: z.string(), window: z.string(), cleared: z.literal(true) }))
    .mutation(({ ctx, input }) =>
      ctx.run(async (op) => {
        await clearUsagePolicy(op, input);
        recordActivity(op, { verb: "cleared", targetType: "usage_policy", targetId: null, summary: `cleared usage limit ${input.metric} per ${input.window}` });
        return { metric: input.metric, window: input.window, cleared: true as const };
      }),
    ),
  listPolicies: workspaceProcedure("usage.read")
    .output(z.array(ZUsagePolicySchema))
    .query(({ ctx }) => ctx.run(async (op) => (await listUsagePolicies(op)).map(toUsagePolicyDto))),
  /** Counters of the current day and month windows, with their limits. */
  listCounters: workspaceProcedure("usage.read", ZListUsageCountersRequestSchema)
    .output(z.array(ZUsageCounterSchema))
    .query(({ ctx, input }) => ctx.run(async (op) => (await listUsageCounters(op, { metric: input.metric })).map(toUsageCounterDto))),
} satisfies TRPCRouterRecord;
