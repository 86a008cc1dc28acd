import { DEFAULT_PLAN, PLAN_TIER_DEFAULTS } from "../governance/plan-tiers.ts";

/** How long AI run artifacts are kept, per plan tier ("AI run artifacts: retention based on policy and plan tier"). */
export interface AgentRunRetentionPolicy {
  daysByPlanTier: Readonly<Record<string, number>>;
  /** For plan tiers the policy does not name. */
  defaultDays: number;
}

/** From the plan-tier table (PLAN_TIER_DEFAULTS): the workspace's `plan_tier` is written by the access fold. */
export const DEFAULT_AGENT_RUN_RETENTION: AgentRunRetentionPolicy = {
  daysByPlanTier: Object.fromEntries(Object.entries(PLAN_TIER_DEFAULTS).map(([tier, d]) => [tier, d.agentRunRetentionDays])),
  defaultDays: PLAN_TIER_DEFAULTS[DEFAULT_PLAN].agentRunRetentionDays,
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** The moment a run created at `now` in a workspace on `planTier` may be purged. */
export function retainUntil(planTier: string, policy: AgentRunRetentionPolicy, now: Date): Date {
  const days = Object.hasOwn(policy.daysByPlanTier, planTier) ? policy.daysByPlanTier[planTier] : undefined;
  return new Date(now.getTime() + (days ?? policy.defaultDays) * DAY_MS);
}
