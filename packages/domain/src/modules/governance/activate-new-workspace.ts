import type { Operation } from "../../operation/operation.ts";
import type { AccessSnapshot } from "./access-fold.ts";
import { applyLifecycleEvent } from "./apply-lifecycle-event.ts";
import { DEFAULT_PLAN, PLAN_TIER_DEFAULTS } from "./plan-tiers.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** A new workspace is born active: `access.activated` on the default plan (with its default expiry, if any), in the creating transaction. */
export function activateNewWorkspace(op: Operation, now: Date = new Date()): Promise<AccessSnapshot> {
  const days = PLAN_TIER_DEFAULTS[DEFAULT_PLAN].defaultAccessDays;
  const expires_at = days === null ? null : new Date(now.getTime() + days * DAY_MS).toISOString();
  return applyLifecycleEvent(op, { type: "access.activated", payload: { plan: DEFAULT_PLAN, effective_at: now.toISOString(), expires_at } }, now);
}
