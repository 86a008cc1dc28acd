// Use-cases of the governance module (usage policies and counters, access lifecycle), one per file.
export * from "./access-fold.ts";
export * from "./apply-lifecycle-event.ts";
export * from "./assert-access-active.ts";
export * from "./access-expiry.ts";
export * from "./activate-new-workspace.ts";
export * from "./clear-usage-policy.ts";
export * from "./consume-usage.ts";
export * from "./increment-usage.ts";
export * from "./add-to-usage-counter.ts";
export * from "./meter-usage-event.ts";
export * from "./plan-tiers.ts";
export * from "./set-usage-policy.ts";
export * from "./sync-plan-policies.ts";
export * from "./usage-window.ts";
export * from "./find-access-state.ts";
export * from "./list-usage-counters.ts";
export * from "./list-usage-policies.ts";
