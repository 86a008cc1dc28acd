import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { UsagePolicy, type UsageWindow } from "./entities.ts";
import { forgetUsagePolicies } from "./usage-policies.ts";

/** Remove the limit for a metric in a window: the metric becomes unlimited there (audited as a delete). */
export async function clearUsagePolicy(op: Operation, input: { metric: string; window: UsageWindow }): Promise<void> {
  const policy = await op.em.findOne(UsagePolicy, { metric: input.metric, window: input.window });
  if (!policy) throw AppError.notFound(`usage policy for ${input.metric} per ${input.window}`);
  op.em.remove(policy);
  await op.em.flush();
  forgetUsagePolicies(op);
  op.emit("usage_policy.cleared", { policy_id: policy.id, metric: policy.metric, window: policy.window });
}
