import { z } from "zod";

/** Everything a role can allow inside one workspace. A role holds an explicit list of these. */
export const PERMISSIONS = [
  "workspace.read", "workspace.update", "workspace.delete",
  "members.read", "members.manage", "roles.manage",
  "projects.read", "projects.write", "projects.delete",
  "items.read", "items.write", "items.delete",
  "documents.read", "documents.write", "documents.delete",
  "activity.read", "audit.read",
  "integrations.read", "integrations.manage",
  "usage.read", "usage.manage",
  "access.read", "access.manage",
  "agents.read", "agents.run",
] as const;
export const ZPermissionSchema = z.enum(PERMISSIONS);
export type TPermission = z.infer<typeof ZPermissionSchema>;

/** Held only by owners, never by a custom role: deleting the workspace and changing its access (plan). */
export const OWNER_ONLY_PERMISSIONS: readonly TPermission[] = ["workspace.delete", "access.manage"];

const READ: TPermission[] = [
  "workspace.read", "members.read", "projects.read", "items.read", "documents.read", "activity.read",
  "integrations.read", "usage.read", "access.read", "agents.read",
];

export const BUILT_IN_ROLE_KEYS = ["owner", "admin", "member", "viewer"] as const;
export type TBuiltInRoleKey = (typeof BUILT_IN_ROLE_KEYS)[number];

/** The four roles every workspace starts with. */
export const BUILT_IN_ROLES: Record<TBuiltInRoleKey, { name: string; permissions: readonly TPermission[] }> = {
  owner: { name: "Owner", permissions: PERMISSIONS },
  admin: { name: "Admin", permissions: PERMISSIONS.filter((p) => !OWNER_ONLY_PERMISSIONS.includes(p)) },
  member: {
    name: "Member",
    permissions: [...READ, "projects.write", "items.write", "items.delete", "documents.write", "documents.delete", "agents.run"],
  },
  viewer: { name: "Viewer", permissions: READ },
};

export function isBuiltInRoleKey(key: string): key is TBuiltInRoleKey {
  return (BUILT_IN_ROLE_KEYS as readonly string[]).includes(key);
}
