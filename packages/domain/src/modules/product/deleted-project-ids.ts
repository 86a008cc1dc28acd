import type { Operation } from "../../operation/operation.ts";

/**
 * Ids of the workspace's soft-deleted projects. Items and documents of a deleted project are hidden
 * with it (never individually deleted, so restoring the project brings them back). Plain SQL, so no
 * partial Project entities land in the identity map.
 */
export async function findDeletedProjectIds(op: Operation): Promise<string[]> {
  const rows = await op.em.execute<{ id: string }[]>(
    "select id from projects where workspace_id = ? and deleted_at is not null", [op.workspaceId],
  );
  return rows.map((r) => r.id);
}
