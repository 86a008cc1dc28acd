import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { NOT_DELETED_FILTER } from "../../shared/common-props.ts";
import { AgentThread } from "../knowledge/entities.ts";
import { Integration } from "../integrations/entities.ts";
import { Document, Item, Project } from "../product/entities.ts";

/** User-facing records that a compliance purge may hard-delete from inside their workspace. */
export type PurgeTarget = "project" | "item" | "document" | "agent_thread" | "integration";

/** The entities by name: each schema has its own entity type, and a purge only needs the record's fields. */
const ENTITIES: Record<PurgeTarget, string> = {
  project: Project.meta.className, item: Item.meta.className, document: Document.meta.className,
  agent_thread: AgentThread.meta.className, integration: Integration.meta.className,
};

/**
 * Dependent rows deleted before the record, as `[table, statement]`; each statement takes
 * (workspace_id, record id). Embeddings and tool calls go with their chunks and runs by cascade.
 */
const DEPENDENTS: Record<PurgeTarget, [string, string][]> = {
  project: [
    ["document_chunks", "delete from document_chunks where workspace_id = ? and document_id in (select id from documents where workspace_id = document_chunks.workspace_id and project_id = ?)"],
    ["documents", "delete from documents where workspace_id = ? and project_id = ?"],
    ["items", "delete from items where workspace_id = ? and project_id = ?"],
  ],
  item: [],
  document: [["document_chunks", "delete from document_chunks where workspace_id = ? and document_id = ?"]],
  agent_thread: [["agent_runs", "delete from agent_runs where workspace_id = ? and thread_id = ?"]],
  integration: [["integration_events", "delete from integration_events where workspace_id = ? and integration_id = ?"]],
};
const TABLES: Record<PurgeTarget, string> = {
  project: "projects", item: "items", document: "documents", agent_thread: "agent_threads", integration: "integrations",
};

export interface PurgeResult {
  target: PurgeTarget;
  id: string;
  /** Rows hard-deleted per table, the record itself included. */
  deleted: Record<string, number>;
}

/**
 * Compliance purge: hard-delete a record (live or soft-deleted) and its dependent rows. These are
 * native deletes that bypass the unit of work, so the audit row is written explicitly here, with the
 * record's last state (secrets redacted) as `before`. Workspaces are purged by operator tooling on
 * the system role, because their audit history is append-only for the app.
 */
export async function purgeRecord(op: Operation, target: PurgeTarget, id: string): Promise<PurgeResult> {
  const workspaceId = op.workspaceId;
  await op.em.flush();
  const record = await op.em.findOne<{ id: string; workspaceId: string }>(ENTITIES[target], { id }, { filters: { [NOT_DELETED_FILTER]: false }, disableIdentityMap: true });
  if (!record) throw AppError.notFound(target.replace("_", " "), id);
  const deleted: Record<string, number> = {};
  for (const [table, sql] of DEPENDENTS[target]) {
    const res = await op.em.execute<{ affectedRows: number }>(sql, [workspaceId, id], "run");
    deleted[table] = (deleted[table] ?? 0) + res.affectedRows;
  }
  const own = await op.em.execute<{ affectedRows: number }>(`delete from ${TABLES[target]} where workspace_id = ? and id = ?`, [workspaceId, id], "run");
  deleted[TABLES[target]] = own.affectedRows;
  op.audit({ action: `${target}.purged`, targetType: target, targetId: id, changes: { before: { ...record }, after: { deleted } } });
  await op.em.flush();
  return { target, id, deleted };
}
