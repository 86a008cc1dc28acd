import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import type { DeadLetterRow } from "./dead-letter.ts";

/** A dead letter of some workspace, as a platform operator sees it: with its workspace's name. */
export interface OperatorDeadLetterRow extends DeadLetterRow {
  workspace_id: string;
  workspace_name: string;
}

export interface OperatorDeadLetterFilter {
  workspaceId?: string | undefined;
  handler?: string | undefined;
  status?: "dead" | "replayed" | undefined;
  limit?: number | undefined;
}

const SELECT = `select d.*, w.name as workspace_name from dead_letter_jobs d join workspaces w on w.id = d.workspace_id`;

/**
 * Dead letters of every workspace (or one), newest first: the platform operator's view (system
 * operation, which reads across workspaces). Rows of no workspace stay with the CLI (`spine dlq`).
 */
export async function listOperatorDeadLetters(op: Operation, filter: OperatorDeadLetterFilter = {}): Promise<OperatorDeadLetterRow[]> {
  return op.em.execute<OperatorDeadLetterRow[]>(
    `${SELECT} where (?::uuid is null or d.workspace_id = ?::uuid) and (?::text is null or d.handler = ?) and (?::text is null or d.status = ?)
     order by d.created_at desc, d.id desc limit ?`,
    [filter.workspaceId ?? null, filter.workspaceId ?? null, filter.handler ?? null, filter.handler ?? null, filter.status ?? null, filter.status ?? null, filter.limit ?? 100],
  );
}

/** One dead letter of any workspace (system operation); NOT_FOUND when there is none (or it belongs to no workspace). */
export async function findOperatorDeadLetter(op: Operation, id: string): Promise<OperatorDeadLetterRow> {
  const rows = await op.em.execute<OperatorDeadLetterRow[]>(`${SELECT} where d.id = ?`, [id]);
  const row = rows[0];
  if (!row) throw AppError.notFound("dead letter", id);
  return row;
}
