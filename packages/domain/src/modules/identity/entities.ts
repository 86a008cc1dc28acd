import { EntitySchema, OptionalProps } from "@mikro-orm/core";
import { idProp, notDeletedFilter, softDeleteProp, tenantFilter, tenantProp, timestampProps } from "../../shared/common-props.ts";

export class User {
  [OptionalProps]?: "createdAt" | "updatedAt" | "deletedAt" | "tokenVersion";
  id!: string;
  email!: string;
  passwordHash!: string;
  displayName!: string;
  tokenVersion = 0;
  createdAt!: Date;
  updatedAt!: Date;
  deletedAt: Date | null = null;
}
export const UserSchema = new EntitySchema<User>({
  class: User,
  tableName: "users",
  properties: {
    ...idProp,
    email: { type: "string" },
    passwordHash: { type: "string", hidden: true },
    displayName: { type: "string" },
    tokenVersion: { type: "integer" },
    ...timestampProps,
    ...softDeleteProp,
  },
  filters: { ...notDeletedFilter },
});

export class AuthSession {
  [OptionalProps]?: "createdAt" | "revokedAt" | "userAgent" | "ip";
  id!: string;
  userId!: string;
  refreshTokenHash!: string;
  expiresAt!: Date;
  revokedAt: Date | null = null;
  createdAt!: Date;
  userAgent: string | null = null;
  ip: string | null = null;
}
export const AuthSessionSchema = new EntitySchema<AuthSession>({
  class: AuthSession,
  tableName: "auth_sessions",
  properties: {
    ...idProp,
    userId: { type: "uuid" },
    refreshTokenHash: { type: "string", hidden: true },
    expiresAt: { type: "Date" },
    revokedAt: { type: "Date", nullable: true },
    createdAt: { type: "Date", onCreate: () => new Date() },
    userAgent: { type: "string", nullable: true },
    ip: { type: "string", nullable: true },
  },
});

export type WorkspaceSettings = Record<string, unknown>;
export class Workspace {
  [OptionalProps]?: "createdAt" | "updatedAt" | "deletedAt" | "settings" | "planTier";
  id!: string;
  name!: string;
  slug!: string;
  settings: WorkspaceSettings = {};
  planTier = "free";
  createdBy!: string;
  createdAt!: Date;
  updatedAt!: Date;
  deletedAt: Date | null = null;
}
/** The tenant root: scoped by its own id rather than a workspace_id column. */
export const WorkspaceSchema = new EntitySchema<Workspace>({
  class: Workspace,
  tableName: "workspaces",
  properties: {
    ...idProp,
    name: { type: "string" },
    slug: { type: "string" },
    settings: { type: "json" },
    planTier: { type: "string" },
    createdBy: { type: "uuid" },
    ...timestampProps,
    ...softDeleteProp,
  },
  filters: { ...notDeletedFilter },
});

export class Role {
  [OptionalProps]?: "createdAt" | "updatedAt" | "builtIn";
  id!: string;
  workspaceId!: string;
  key!: string;
  name!: string;
  permissions!: string[];
  builtIn = false;
  createdAt!: Date;
  updatedAt!: Date;
}
export const RoleSchema = new EntitySchema<Role>({
  class: Role,
  tableName: "roles",
  properties: {
    ...idProp,
    ...tenantProp,
    key: { type: "string" },
    name: { type: "string" },
    permissions: { type: "string[]" },
    builtIn: { type: "boolean" },
    ...timestampProps,
  },
  filters: { ...tenantFilter },
});

export class WorkspaceMembership {
  [OptionalProps]?: "createdAt" | "updatedAt";
  id!: string;
  workspaceId!: string;
  userId!: string;
  roleId!: string;
  createdAt!: Date;
  updatedAt!: Date;
}
export const WorkspaceMembershipSchema = new EntitySchema<WorkspaceMembership>({
  class: WorkspaceMembership,
  tableName: "workspace_memberships",
  properties: { ...idProp, ...tenantProp, userId: { type: "uuid" }, roleId: { type: "uuid" }, ...timestampProps },
  filters: { ...tenantFilter },
});
