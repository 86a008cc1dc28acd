import type { UsageMetric } from "./consume-usage.ts";
import type { UsageWindow } from "./entities.ts";

export const PLAN_TIERS = ["free", "pro", "enterprise"] as const;
export type PlanTier = (typeof PLAN_TIERS)[number];
/** The plan a new workspace is born on (an `access.activated` in the creating transaction). */
export const DEFAULT_PLAN: PlanTier = "free";

export interface DefaultUsageLimit {
  metric: UsageMetric;
  window: UsageWindow;
  limit: number;
  action: "block" | "notify";
}

export interface PlanTierDefaults {
  /** Usage limits that apply to a metric and window the workspace has no policy of its own for. */
  usageLimits: readonly DefaultUsageLimit[];
  /** Days an AI run (with its tool calls) is kept before retention purges it. */
  agentRunRetentionDays: number;
  /** Access expires this long after an activation that names no expiry of its own (null: never). */
  defaultAccessDays: number | null;
}

const GIB = 1024 * 1024 * 1024;

/**
 * The one table of plan-tier defaults (the README's governance section shows the same table).
 * Metrics without a default limit (projects, items, documents, api_calls unless a policy is set) are
 * counted asynchronously and cost the write path nothing.
 */
export const PLAN_TIER_DEFAULTS: Readonly<Record<PlanTier, PlanTierDefaults>> = {
  free: {
    usageLimits: [
      { metric: "agent_runs", window: "day", limit: 100, action: "block" },
      { metric: "agent_tokens", window: "month", limit: 1_000_000, action: "block" },
      { metric: "document_bytes", window: "month", limit: 1 * GIB, action: "block" },
    ],
    agentRunRetentionDays: 30,
    defaultAccessDays: null,
  },
  pro: {
    usageLimits: [
      { metric: "agent_runs", window: "day", limit: 5_000, action: "block" },
      { metric: "agent_tokens", window: "month", limit: 50_000_000, action: "block" },
      { metric: "document_bytes", window: "month", limit: 100 * GIB, action: "notify" },
    ],
    agentRunRetentionDays: 365,
    defaultAccessDays: null,
  },
  enterprise: {
    usageLimits: [],
    agentRunRetentionDays: 730,
    defaultAccessDays: null,
  },
};

export function isPlanTier(value: string): value is PlanTier {
  return (PLAN_TIERS as readonly string[]).includes(value);
}

/** The tier a plan name maps to: a known tier is itself; any other plan name (e.g. "trial") is the default tier. */
export function planTierOf(plan: string | null): PlanTier {
  return plan !== null && isPlanTier(plan) ? plan : DEFAULT_PLAN;
}
