import type pg from "pg";
import { withScopedTransaction } from "./scoped-transaction.ts";

export type MembershipCheck = { member: true; membershipId: string; role: string | null } | { member: false; reason: "not_member" | "workspace_deleted" };

/**
 * Is the user a member of the workspace, and is the workspace alive? Runs as the app role with
 * `app.user_id` set, so row-level security decides what the gateway may see.
 */
export async function checkMembership(pool: pg.Pool, userId: string, workspaceId: string): Promise<MembershipCheck> {
  return withScopedTransaction(pool, { userId, workspaceId }, async (client) => {
    const { rows } = await client.query<{ membership_id: string; role: string | null; workspace_deleted_at: Date | null }>(
      `select m.id as membership_id, r.key as role, w.deleted_at as workspace_deleted_at
         from workspace_memberships m
         join workspaces w on w.id = m.workspace_id
         left join roles r on r.workspace_id = m.workspace_id and r.id = m.role_id
        where m.workspace_id = $1 and m.user_id = $2`,
      [workspaceId, userId],
    );
    const row = rows[0];
    if (!row) return { member: false, reason: "not_member" };
    if (row.workspace_deleted_at !== null) return { member: false, reason: "workspace_deleted" };
    return { member: true, membershipId: row.membership_id, role: row.role };
  }, { readOnly: true });
}
