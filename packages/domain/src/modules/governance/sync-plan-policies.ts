import type { Operation } from "../../operation/operation.ts";
import { newId } from "../../shared/ids.ts";
import { UsagePolicy } from "./entities.ts";
import { forgetUsagePolicies } from "./usage-policies.ts";
import { PLAN_TIER_DEFAULTS, type PlanTier } from "./plan-tiers.ts";

/**
 * Make the workspace's plan-default usage policies those of `tier`: defaults of the old tier that
 * the new one lacks are removed, the new tier's defaults are created or updated, and the workspace's
 * own policies (source `workspace`) are never touched. Audited (privileged writes); no usage_policy.*
 * events: the access.* event that changed the plan announces them (the tier table is public).
 */
export async function syncPlanPolicies(op: Operation, tier: PlanTier): Promise<void> {
  const existing = await op.em.find(UsagePolicy, {});
  const defaults = PLAN_TIER_DEFAULTS[tier].usageLimits;
  for (const policy of existing) {
    if (policy.source !== "plan") continue;
    if (defaults.some((d) => d.metric === policy.metric && d.window === policy.window)) continue;
    op.em.remove(policy);
  }
  for (const d of defaults) {
    let policy = existing.find((p) => p.metric === d.metric && p.window === d.window);
    if (policy && policy.source === "workspace") continue;
    if (policy && policy.limitValue === d.limit && policy.action === d.action) continue;
    if (policy) {
      policy.limitValue = d.limit;
      policy.action = d.action;
    } else {
      policy = op.em.create(UsagePolicy, {
        id: newId(), workspaceId: op.workspaceId, metric: d.metric, window: d.window, limitValue: d.limit, action: d.action, source: "plan",
      });
    }
  }
  await op.em.flush();
  forgetUsagePolicies(op);
}
