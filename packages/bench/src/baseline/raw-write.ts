import pg from "pg";
import { createEnvelope, subjectFor } from "@spine/contracts";
import { newId } from "@spine/domain";
import { nowMs, summarize, type LatencySummary } from "../lib/stats.ts";

/**
 * The floor of the write path: one node-postgres transaction per write writing the same rows as
 * Spine's `project.create` — scope, the project, its activity line, its outbox row — with no HTTP,
 * auth or ORM. (`project.create` is not a privileged action, so neither side writes an audit row.)
 */
export async function rawWrites(appUrl: string, workspaceId: string, userId: string, concurrency: number, total: number): Promise<{ perSecond: number; latency: LatencySummary }> {
  const pool = new pg.Pool({ connectionString: appUrl, max: concurrency });
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    const client = await pool.connect();
    try {
      while (next < total) {
        next++;
        const t0 = nowMs();
        const projectId = newId();
        const env = createEnvelope({ type: "project.created", payload: { project_id: projectId, name: "raw" }, workspaceId, actorId: userId, correlationId: newId() });
        await client.query("begin");
        await client.query("select set_config('app.workspace_id', $1, true), set_config('app.user_id', $2, true)", [workspaceId, userId]);
        await client.query("insert into projects (id, workspace_id, name, created_by) values ($1, $2, 'raw', $3)", [projectId, workspaceId, userId]);
        await client.query(
          "insert into activity_logs (id, workspace_id, project_id, actor_id, verb, target_type, target_id, summary, data, correlation_id) values ($1, $2, $3, $4, 'created', 'project', $3, 'created project raw', '{}', $5)",
          [newId(), workspaceId, projectId, userId, env.correlation_id],
        );
        await client.query("insert into outbox (id, workspace_id, event_type, subject, envelope) values ($1, $2, $3, $4, $5)", [
          env.event_id, workspaceId, env.event_type, subjectFor(workspaceId, env.event_type), JSON.stringify(env),
        ]);
        await client.query("commit");
        latencies.push(nowMs() - t0);
      }
    } finally {
      client.release();
    }
  };
  const start = nowMs();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (nowMs() - start) / 1000;
  await pool.end();
  return { perSecond: Math.round(latencies.length / seconds), latency: summarize(latencies) };
}
