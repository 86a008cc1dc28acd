import { EntitySchema, OptionalProps } from "@mikro-orm/core";
import { idProp, tenantFilter, tenantProp, timestampProps } from "../../shared/common-props.ts";

export type AccessState = "inactive" | "active";
export class DemoAccessState {
  [OptionalProps]?: "createdAt" | "updatedAt" | "plan" | "effectiveAt" | "expiresAt" | "reason" | "lastEventId" | "lastEventAt" | "version" | "nextTransitionAt";
  id!: string;
  workspaceId!: string;
  state!: AccessState;
  plan: string | null = null;
  effectiveAt: Date | null = null;
  expiresAt: Date | null = null;
  reason: string | null = null;
  lastEventId: string | null = null;
  lastEventAt: Date | null = null;
  version = 0;
  nextTransitionAt: Date | null = null;
  createdAt!: Date;
  updatedAt!: Date;
}
export const DemoAccessStateSchema = new EntitySchema<DemoAccessState>({
  class: DemoAccessState,
  tableName: "demo_access_states",
  properties: {
    ...idProp, ...tenantProp,
    state: { type: "string" },
    plan: { type: "string", nullable: true },
    effectiveAt: { type: "Date", nullable: true },
    expiresAt: { type: "Date", nullable: true },
    reason: { type: "string", nullable: true },
    lastEventId: { type: "uuid", nullable: true },
    lastEventAt: { type: "Date", nullable: true },
    version: { type: "integer" },
    nextTransitionAt: { type: "Date", nullable: true },
    ...timestampProps,
  },
  filters: { ...tenantFilter },
});

/** One recorded access lifecycle event (append-only): the history `demo_access_states` is folded from. */
export class AccessEventRecord {
  [OptionalProps]?: "recordedAt";
  id!: string;
  workspaceId!: string;
  eventType!: "access.activated" | "access.changed" | "access.deactivated";
  payload!: Record<string, unknown>;
  effectiveAt!: Date;
  recordedAt!: Date;
}
export const AccessEventRecordSchema = new EntitySchema<AccessEventRecord>({
  class: AccessEventRecord,
  tableName: "access_events",
  properties: {
    ...idProp, ...tenantProp,
    eventType: { type: "string" },
    payload: { type: "json" },
    effectiveAt: { type: "Date" },
    recordedAt: { type: "Date", onCreate: () => new Date() },
  },
  filters: { ...tenantFilter },
});

export type UsageWindow = "day" | "month";
export class UsagePolicy {
  [OptionalProps]?: "createdAt" | "updatedAt" | "action" | "source";
  id!: string;
  workspaceId!: string;
  metric!: string;
  window!: UsageWindow;
  limitValue!: number;
  action = "block";
  /** `plan`: a default of the workspace's plan tier, replaced when the tier changes; `workspace`: set by the workspace. */
  source: "workspace" | "plan" = "workspace";
  createdAt!: Date;
  updatedAt!: Date;
}
export const UsagePolicySchema = new EntitySchema<UsagePolicy>({
  class: UsagePolicy,
  tableName: "usage_policies",
  properties: {
    ...idProp, ...tenantProp,
    metric: { type: "string" },
    window: { type: "string" },
    limitValue: { type: "bigint", runtimeType: "number" },
    action: { type: "string" },
    source: { type: "string" },
    ...timestampProps,
  },
  filters: { ...tenantFilter },
});

export class UsageCounter {
  [OptionalProps]?: "createdAt" | "updatedAt" | "value" | "limitReachedAt";
  id!: string;
  workspaceId!: string;
  metric!: string;
  window!: UsageWindow;
  windowStart!: Date;
  value = 0;
  limitReachedAt: Date | null = null;
  createdAt!: Date;
  updatedAt!: Date;
}
export const UsageCounterSchema = new EntitySchema<UsageCounter>({
  class: UsageCounter,
  tableName: "usage_counters",
  properties: {
    ...idProp, ...tenantProp,
    metric: { type: "string" },
    window: { type: "string" },
    windowStart: { type: "Date" },
    value: { type: "bigint", runtimeType: "number" },
    limitReachedAt: { type: "Date", nullable: true },
    ...timestampProps,
  },
  filters: { ...tenantFilter },
});
