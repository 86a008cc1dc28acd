import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import { idProp, startsNull, tenantFilter, tenantProp, timestampProps } from "../../shared/common-props.ts";
import type { AccessEventType } from "./access-fold.ts";

export type AccessState = "inactive" | "active";
export const DemoAccessState = defineEntity({
  name: "DemoAccessState",
  tableName: "demo_access_states",
  properties: {
    ...idProp, ...tenantProp,
    state: p.string().$type<AccessState>(),
    plan: startsNull(p.string().nullable()),
    effectiveAt: startsNull(p.datetime().nullable()),
    expiresAt: startsNull(p.datetime().nullable()),
    reason: startsNull(p.string().nullable()),
    lastEventId: startsNull(p.uuid().nullable()),
    lastEventAt: startsNull(p.datetime().nullable()),
    version: p.integer().default(0).onCreate(() => 0),
    nextTransitionAt: startsNull(p.datetime().nullable()),
    ...timestampProps,
  },
  filters: { ...tenantFilter },
});
export type DemoAccessState = InferEntity<typeof DemoAccessState>;

/** One recorded access lifecycle event (append-only): the history `demo_access_states` is folded from. */
export const AccessEventRecord = defineEntity({
  name: "AccessEventRecord",
  tableName: "access_events",
  properties: {
    ...idProp, ...tenantProp,
    eventType: p.string().$type<AccessEventType>(),
    payload: p.json<Record<string, unknown>>(),
    effectiveAt: p.datetime(),
    recordedAt: p.datetime().onCreate(() => new Date()),
  },
  filters: { ...tenantFilter },
});
export type AccessEventRecord = InferEntity<typeof AccessEventRecord>;

export type UsageWindow = "day" | "month";
export type UsagePolicyAction = "block" | "notify";
export const UsagePolicy = defineEntity({
  name: "UsagePolicy",
  tableName: "usage_policies",
  properties: {
    ...idProp, ...tenantProp,
    metric: p.string(),
    window: p.string().$type<UsageWindow>(),
    limitValue: p.bigint("number"),
    action: p.string().$type<UsagePolicyAction>().default("block").onCreate(() => "block"),
    /** `plan`: a default of the workspace's plan tier, replaced when the tier changes; `workspace`: set by the workspace. */
    source: p.string().$type<"workspace" | "plan">().default("workspace").onCreate(() => "workspace"),
    ...timestampProps,
  },
  filters: { ...tenantFilter },
});
export type UsagePolicy = InferEntity<typeof UsagePolicy>;

export const UsageCounter = defineEntity({
  name: "UsageCounter",
  tableName: "usage_counters",
  properties: {
    ...idProp, ...tenantProp,
    metric: p.string(),
    window: p.string().$type<UsageWindow>(),
    windowStart: p.datetime(),
    value: p.bigint("number").default(0).onCreate(() => 0),
    limitReachedAt: startsNull(p.datetime().nullable()),
    ...timestampProps,
  },
  filters: { ...tenantFilter },
});
export type UsageCounter = InferEntity<typeof UsageCounter>;
