import type pg from "pg";
import type { OperationalTable, TenantTable } from "../db/tenant-tables.ts";
import { newId } from "../shared/ids.ts";

/** Fixed ids of the rows other rows of the same workspace point at. */
export interface RowRefs {
  workspaceId: string;
  userId: string;
  roleId: string;
  projectId: string;
  documentId: string;
  chunkId: string;
  threadId: string;
  runId: string;
  integrationId: string;
}

export function newRefs(workspaceId: string, userId: string, roleId: string): RowRefs {
  return {
    workspaceId, userId, roleId,
    projectId: newId(), documentId: newId(), chunkId: newId(), threadId: newId(), runId: newId(), integrationId: newId(),
  };
}

type Row = Record<string, unknown>;
type RowFactory = (r: RowRefs, id: string) => Row;

/**
 * One valid row per table with a workspace_id, in column names, in dependency order. Typed as a
 * complete mapping: a table appended to TENANT_TABLES without a row here fails the typecheck.
 * The owner role's (a referenced row's) id is `id` when the row is a dependency of others.
 */
export const TENANT_ROWS: Record<TenantTable | OperationalTable, RowFactory> = {
  roles: (r, id) => ({ id, workspace_id: r.workspaceId, key: `k-${id}`, name: "Role", permissions: ["read"] }),
  workspace_memberships: (r, id) => ({ id, workspace_id: r.workspaceId, user_id: r.userId, role_id: r.roleId }),
  projects: (r, id) => ({ id, workspace_id: r.workspaceId, name: "Project" }),
  items: (r, id) => ({ id, workspace_id: r.workspaceId, project_id: r.projectId, title: "Item" }),
  documents: (r, id) => ({ id, workspace_id: r.workspaceId, project_id: r.projectId, title: "Doc", content: "text" }),
  activity_logs: (r, id) => ({ id, workspace_id: r.workspaceId, verb: "created", target_type: "project", summary: "s" }),
  document_chunks: (r, id) => ({ id, workspace_id: r.workspaceId, document_id: r.documentId, ordinal: Math.floor(Math.random() * 1e9), content: "c" }),
  embeddings: (r, id) => ({ id, workspace_id: r.workspaceId, chunk_id: r.chunkId, model: `m-${id}`, dimensions: 2, vector: "[0.5,0.25]" }),
  agent_threads: (r, id) => ({ id, workspace_id: r.workspaceId, title: "Thread" }),
  agent_runs: (r, id) => ({ id, workspace_id: r.workspaceId, thread_id: r.threadId, status: "queued", model: "stub" }),
  tool_calls: (r, id) => ({ id, workspace_id: r.workspaceId, run_id: r.runId, ordinal: Math.floor(Math.random() * 1e9), tool_name: "t", status: "ok" }),
  integrations: (r, id) => ({ id, workspace_id: r.workspaceId, provider: "github", name: `gh-${id}`, credentials: JSON.stringify({ token: "s3cret" }) }),
  integration_events: (r, id) => ({
    id, workspace_id: r.workspaceId, integration_id: r.integrationId, source: "github", source_event_id: id, event_type: "push", payload: "{}",
  }),
  demo_access_states: (r, id) => ({ id, workspace_id: r.workspaceId, state: "active", plan: "pro" }),
  access_events: (r, id) => ({
    id, workspace_id: r.workspaceId, event_type: "access.changed", effective_at: new Date(),
    payload: JSON.stringify({ plan: "pro", effective_at: new Date().toISOString(), expires_at: null }),
  }),
  usage_policies: (r, id) => ({ id, workspace_id: r.workspaceId, metric: `m-${id}`, window: "day", limit_value: 10 }),
  usage_counters: (r, id) => ({ id, workspace_id: r.workspaceId, metric: `m-${id}`, window: "day", window_start: new Date(), value: 1 }),
  audit_logs: (r, id) => ({ id, workspace_id: r.workspaceId, actor_type: "system", action: "x.created", target_type: "x", correlation_id: "c" }),
  job_runs: (r, id) => ({ id, workspace_id: r.workspaceId, handler: "h", operation_key: id, status: "done" }),
  dead_letter_jobs: (r, id) => ({ id, workspace_id: r.workspaceId, handler: "h", subject: "evt.x", envelope: "{}", error: "e", attempts: 1 }),
  outbox: (r, id) => ({ id, workspace_id: r.workspaceId, event_type: "project.created", subject: "evt.x", envelope: "{}" }),
};

/** The id each dependency table's seeded row must have. */
function fixedId(table: string, r: RowRefs): string {
  const fixed: Record<string, string> = {
    projects: r.projectId, documents: r.documentId, document_chunks: r.chunkId,
    agent_threads: r.threadId, agent_runs: r.runId, integrations: r.integrationId,
  };
  return fixed[table] ?? newId();
}

export async function insertRow(client: pg.Client | pg.PoolClient, table: string, row: Row): Promise<pg.QueryResult> {
  const cols = Object.keys(row);
  const sql = `insert into ${table} (${cols.map((c) => `"${c}"`).join(", ")}) values (${cols.map((_, i) => `$${i + 1}`).join(", ")})`;
  return client.query(sql, Object.values(row));
}

/** Seed one row of every table for the workspace, as the owner role (bypasses RLS). Returns row ids by table. */
export async function seedEveryTable(owner: pg.Client, refs: RowRefs): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const [table, factory] of Object.entries(TENANT_ROWS)) {
    const id = table === "workspace_memberships" ? newId() : fixedId(table, refs);
    await insertRow(owner, table, factory(refs, id));
    ids[table] = id;
  }
  return ids;
}
