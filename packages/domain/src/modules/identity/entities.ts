import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import { idProp, notDeletedFilter, softDeleteProp, startsNull, tenantFilter, tenantProp, timestampProps } from "../../shared/common-props.ts";
import type { PlanTier } from "../governance/plan-tiers.ts";

export const User = defineEntity({
  name: "User",
  tableName: "users",
  properties: {
    ...idProp,
    email: p.string(),
    passwordHash: p.string().hidden(),
    displayName: p.string(),
    tokenVersion: p.integer().default(0).onCreate(() => 0),
    ...timestampProps,
    ...softDeleteProp,
  },
  filters: { ...notDeletedFilter },
});
export type User = InferEntity<typeof User>;

export const AuthSession = defineEntity({
  name: "AuthSession",
  tableName: "auth_sessions",
  properties: {
    ...idProp,
    userId: p.uuid(),
    refreshTokenHash: p.string().hidden(),
    expiresAt: p.datetime(),
    revokedAt: startsNull(p.datetime().nullable()),
    createdAt: p.datetime().onCreate(() => new Date()),
    userAgent: startsNull(p.string().nullable()),
    ip: startsNull(p.string().nullable()),
  },
});
export type AuthSession = InferEntity<typeof AuthSession>;

export type WorkspaceSettings = Record<string, unknown>;
/** The tenant root: scoped by its own id rather than a workspace_id column. */
export const Workspace = defineEntity({
  name: "Workspace",
  tableName: "workspaces",
  properties: {
    ...idProp,
    name: p.string(),
    slug: p.string(),
    settings: p.json<WorkspaceSettings>().onCreate(() => ({})),
    planTier: p.string().$type<PlanTier>().default("free").onCreate(() => "free"),
    createdBy: p.uuid(),
    ...timestampProps,
    ...softDeleteProp,
  },
  filters: { ...notDeletedFilter },
});
export type Workspace = InferEntity<typeof Workspace>;

export const Role = defineEntity({
  name: "Role",
  tableName: "roles",
  properties: {
    ...idProp,
    ...tenantProp,
    key: p.string(),
    name: p.string(),
    permissions: p.type("string[]").$type<string[]>(),
    builtIn: p.boolean().default(false).onCreate(() => false),
    ...timestampProps,
  },
  filters: { ...tenantFilter },
});
export type Role = InferEntity<typeof Role>;

export const WorkspaceMembership = defineEntity({
  name: "WorkspaceMembership",
  tableName: "workspace_memberships",
  properties: { ...idProp, ...tenantProp, userId: p.uuid(), roleId: p.uuid(), ...timestampProps },
  filters: { ...tenantFilter },
});
export type WorkspaceMembership = InferEntity<typeof WorkspaceMembership>;
