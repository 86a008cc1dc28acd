import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";

/** A failed inbound integration event of some workspace, as a platform operator sees it (no payload). */
export interface OperatorIntegrationEventRow {
  id: string;
  workspace_id: string;
  workspace_name: string;
  integration_id: string;
  integration_name: string;
  provider: string;
  source_event_id: string;
  event_type: string;
  status: string;
  error: string | null;
  attempts: number;
  received_at: Date;
  processed_at: Date | null;
}

const SELECT = `select e.id, e.workspace_id, w.name as workspace_name, e.integration_id, i.name as integration_name, i.provider,
    e.source_event_id, e.event_type, e.status, e.error, e.attempts, e.received_at, e.processed_at
  from integration_events e
  join workspaces w on w.id = e.workspace_id
  join integrations i on i.workspace_id = e.workspace_id and i.id = e.integration_id`;

/** Failed inbound events of every workspace (or one), newest first (system operation: reads across workspaces). */
export async function listOperatorFailedIntegrationEvents(
  op: Operation,
  filter: { workspaceId?: string | undefined; limit?: number | undefined } = {},
): Promise<OperatorIntegrationEventRow[]> {
  return op.em.execute<OperatorIntegrationEventRow[]>(
    `${SELECT} where e.status = 'failed' and (?::uuid is null or e.workspace_id = ?::uuid) order by e.received_at desc, e.id desc limit ?`,
    [filter.workspaceId ?? null, filter.workspaceId ?? null, filter.limit ?? 100],
  );
}

/** One inbound event of any workspace (system operation); NOT_FOUND when there is none. */
export async function findOperatorIntegrationEvent(op: Operation, id: string): Promise<OperatorIntegrationEventRow> {
  const rows = await op.em.execute<OperatorIntegrationEventRow[]>(`${SELECT} where e.id = ?`, [id]);
  const row = rows[0];
  if (!row) throw AppError.notFound("integration event", id);
  return row;
}
