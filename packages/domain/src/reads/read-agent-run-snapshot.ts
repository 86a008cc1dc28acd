import type pg from "pg";
import { withScopedTransaction } from "./scoped-transaction.ts";

export interface AgentRunSnapshot {
  id: string;
  status: "queued" | "running" | "completed" | "failed";
  answer: string | null;
  error: string | null;
  tool_calls: { ordinal: number; name: string; status: string }[];
}

/**
 * An agent run's committed state, for a client (re)joining its live stream: status, answer or error,
 * and its tool calls so far. Runs as the app role in the user's workspace scope (row-level security);
 * null when the workspace has no such run.
 */
export async function readAgentRunSnapshot(pool: pg.Pool, userId: string, workspaceId: string, runId: string): Promise<AgentRunSnapshot | null> {
  return withScopedTransaction(pool, { userId, workspaceId }, async (client) => {
    const run = await client.query<{ id: string; status: AgentRunSnapshot["status"]; answer: string | null; error: string | null }>(
      `select id, status, output->>'answer' as answer, error from agent_runs where workspace_id = $1 and id = $2`,
      [workspaceId, runId],
    );
    const row = run.rows[0];
    if (!row) return null;
    const calls = await client.query<{ ordinal: number; name: string; status: string }>(
      `select ordinal, tool_name as name, status from tool_calls where workspace_id = $1 and run_id = $2 order by ordinal`,
      [workspaceId, runId],
    );
    return { ...row, tool_calls: calls.rows };
  }, { readOnly: true });
}
