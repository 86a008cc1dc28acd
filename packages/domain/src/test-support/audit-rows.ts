import type pg from "pg";

export interface AuditRow {
  workspace_id: string;
  actor_id: string | null;
  actor_type: string;
  action: string;
  target_type: string;
  target_id: string | null;
  changes: { before?: Record<string, unknown>; after?: Record<string, unknown> };
  correlation_id: string;
}

/** Audit rows of one operation (by correlation id), as the owner sees them. */
export async function auditRowsOf(owner: pg.Client, correlationId: string): Promise<AuditRow[]> {
  const { rows } = await owner.query<AuditRow>(
    `select workspace_id, actor_id, actor_type, action, target_type, target_id, changes, correlation_id
     from audit_logs where correlation_id = $1 order by id`,
    [correlationId],
  );
  return rows;
}

export async function outboxTypesOf(owner: pg.Client, correlationId: string): Promise<string[]> {
  const { rows } = await owner.query<{ event_type: string }>(
    "select event_type from outbox where envelope->>'correlation_id' = $1 order by id",
    [correlationId],
  );
  return rows.map((r) => r.event_type);
}
