import { Migration } from "@mikro-orm/migrations";

/**
 * Built-in roles are stored per workspace, so a new permission reaches existing workspaces only
 * through a migration. This one adds integrations, usage, access and agents permissions. The lists
 * are a snapshot (migrations never import live code). Runs as the owner; must bypass RLS
 * (a superuser or a BYPASSRLS role), as every migration that touches tenant rows.
 */
const ADDED: Record<string, string[]> = {
  owner: ["integrations.read", "integrations.manage", "usage.read", "usage.manage", "access.read", "access.manage", "agents.read", "agents.run"],
  admin: ["integrations.read", "integrations.manage", "usage.read", "usage.manage", "access.read", "agents.read", "agents.run"],
  member: ["integrations.read", "usage.read", "access.read", "agents.read", "agents.run"],
  viewer: ["integrations.read", "usage.read", "access.read", "agents.read"],
};

export class Migration20261128000400_builtin_role_permissions extends Migration {
  override async up(): Promise<void> {
    for (const [key, permissions] of Object.entries(ADDED)) {
      const list = permissions.map((p) => `'${p}'`).join(", ");
      // Append what is missing, keep order and anything already there.
      this.addSql(`update roles set permissions = permissions || array(
          select p from unnest(array[${list}]::text[]) as p where not (p = any(permissions))
        ), updated_at = now()
        where built_in and key = '${key}';`);
    }
  }

  override async down(): Promise<void> {
    throw new Error("not reversible: permissions may have been relied on");
  }
}
