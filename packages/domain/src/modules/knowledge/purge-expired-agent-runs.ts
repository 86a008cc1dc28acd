import type pg from "pg";
import { newId } from "../../shared/ids.ts";

export interface PurgeExpiredAgentRunsOptions {
  /** Runs whose `retain_until` is at or before this moment are purged. */
  now?: Date;
  /** Most runs purged per call; call again while `runs === batchSize`. */
  batchSize?: number;
  correlationId: string;
}

export interface PurgeExpiredAgentRunsResult {
  runs: number;
  toolCalls: number;
  workspaces: number;
}

interface ExpiredRunRow {
  id: string;
  workspace_id: string;
  thread_id: string;
  status: string;
  retain_until: Date;
  tool_call_count: number;
}

const SELECT_EXPIRED = `
select r.id, r.workspace_id, r.thread_id, r.status, r.retain_until,
  (select count(*)::int from tool_calls t where t.workspace_id = r.workspace_id and t.run_id = r.id) as tool_call_count
from agent_runs r
where r.retain_until is not null and r.retain_until <= $1
order by r.retain_until, r.id
limit $2
for update of r skip locked`;

const DELETE_TOOL_CALLS = "delete from tool_calls where run_id = any($1::uuid[])";
const DELETE_RUNS = "delete from agent_runs where id = any($1::uuid[])";
/**
 * Retention: hard-delete agent runs (and their tool calls) past `retain_until`, across workspaces,
 * with one explicit audit row per purged run in the same transaction. Native deletes bypass the
 * unit of work, so the audit is written here. `pool` must connect as the system role (it reads
 * every workspace); a pool of the app role would see no rows and purge nothing.
 */
export async function purgeExpiredAgentRuns(pool: pg.Pool, options: PurgeExpiredAgentRunsOptions): Promise<PurgeExpiredAgentRunsResult> {
  const now = options.now ?? new Date();
  const client = await pool.connect();
  try {
    await client.query("begin");
    const expired = await client.query<ExpiredRunRow>(SELECT_EXPIRED, [now, options.batchSize ?? 500]);
    const ids = expired.rows.map((r) => r.id);
    if (ids.length === 0) {
      await client.query("commit");
      return { runs: 0, toolCalls: 0, workspaces: 0 };
    }
    const calls = await client.query(DELETE_TOOL_CALLS, [ids]);
    await client.query(DELETE_RUNS, [ids]);
    for (const run of expired.rows) {
      const changes = {
        before: { thread_id: run.thread_id, status: run.status, retain_until: run.retain_until.toISOString(), tool_call_count: run.tool_call_count },
        after: { reason: "retention", purged_at: now.toISOString() },
      };
      await client.query(
        `insert into audit_logs (id, workspace_id, actor_id, actor_type, action, target_type, target_id, changes, correlation_id)
         values ($1, $2, null, 'system', 'agent_run.purged', 'agent_run', $3, $4, $5)`,
        [newId(), run.workspace_id, run.id, JSON.stringify(changes), options.correlationId],
      );
    }
    await client.query("commit");
    return { runs: ids.length, toolCalls: calls.rowCount ?? 0, workspaces: new Set(expired.rows.map((r) => r.workspace_id)).size };
  } catch (err) {
    await client.query("rollback").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
