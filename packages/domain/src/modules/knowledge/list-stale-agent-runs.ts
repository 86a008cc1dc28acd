import type pg from "pg";

export interface StaleAgentRun {
  runId: string;
  workspaceId: string;
  status: "queued" | "running";
}

interface StaleRunRow {
  id: string;
  workspace_id: string;
  status: "queued" | "running";
}

// Last sign of life: the run's own last change, or its latest tool call start or finish.
const SELECT_STALE = `
select r.id, r.workspace_id, r.status
from agent_runs r
where r.status in ('queued', 'running')
  and greatest(r.updated_at, coalesce(
        (select max(coalesce(t.completed_at, t.started_at)) from tool_calls t where t.workspace_id = r.workspace_id and t.run_id = r.id),
        r.updated_at)) < $1
order by r.created_at, r.id
limit $2`;

/**
 * Runs left `queued` or `running` with no progress since `staleBefore` — their process most likely
 * died. Reads across workspaces, so `pool` must connect as the system role.
 */
export async function listStaleAgentRuns(pool: pg.Pool, options: { staleBefore: Date; limit?: number }): Promise<StaleAgentRun[]> {
  const res = await pool.query<StaleRunRow>(SELECT_STALE, [options.staleBefore, options.limit ?? 100]);
  return res.rows.map((r) => ({ runId: r.id, workspaceId: r.workspace_id, status: r.status }));
}
