import { EntitySchema, OptionalProps } from "@mikro-orm/core";
import { idProp, tenantFilter, tenantProp, timestampProps } from "../../orm/common-props.ts";

export type AccessState = "inactive" | "active";
export class DemoAccessState {
  [OptionalProps]?: "createdAt" | "updatedAt" | "plan" | "effectiveAt" | "expiresAt" | "reason" | "lastEventId" | "lastEventAt";
  id!: string;
  workspaceId!: string;
  state!: AccessState;
  plan: string | null = null;
  effectiveAt: Date | null = null;
  expiresAt: Date | null = null;
  reason: string | null = null;
  lastEventId: string | null = null;
  lastEventAt: Date | null = null;
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
    ...timestampProps,
  },
  filters: { ...tenantFilter },
});

export type UsageWindow = "day" | "month";
export class UsagePolicy {
  [OptionalProps]?: "createdAt" | "updatedAt" | "action";
  id!: string;
  workspaceId!: string;
  metric!: string;
  window!: UsageWindow;
  limitValue!: number;
  action = "block";
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
