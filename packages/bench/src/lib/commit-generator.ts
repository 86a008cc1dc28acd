import pg from "pg";
import { createEnvelope, subjectFor } from "@spine/contracts";
import { newId } from "@spine/domain";
import { nowMs } from "./stats.ts";

/**
 * Commits `project.created` changes (domain row + outbox row in one transaction, as the app role)
 * at a fixed rate round-robin over workspaces, and remembers each event's commit time.
 */
export async function commitAtRate(options: {
  appUrl: string;
  workspaceIds: string[];
  actorId: string;
  rate: number;
  seconds: number;
  commitTimes: Map<string, number>;
  connections?: number;
}): Promise<{ committed: number; achievedRate: number }> {
  const pool = new pg.Pool({ connectionString: options.appUrl, max: options.connections ?? 8 });
  const total = options.rate * options.seconds;
  const interval = 1000 / options.rate;
  const t0 = nowMs();
  const inflight = new Set<Promise<void>>();
  const commitOne = async (i: number) => {
    const workspaceId = options.workspaceIds[i % options.workspaceIds.length]!;
    const projectId = newId();
    const env = createEnvelope({ type: "project.created", payload: { project_id: projectId, name: `e2e ${i}` }, workspaceId, actorId: options.actorId, correlationId: `bench-e2e-${i}` });
    const client = await pool.connect();
    try {
      await client.query("begin");
      await client.query("select set_config('app.workspace_id', $1, true)", [workspaceId]);
      await client.query("insert into projects (id, workspace_id, name) values ($1, $2, $3)", [projectId, workspaceId, `e2e ${i}`]);
      await client.query("insert into outbox (id, workspace_id, event_type, subject, envelope) values ($1, $2, $3, $4, $5)", [
        env.event_id, workspaceId, env.event_type, subjectFor(workspaceId, env.event_type), JSON.stringify(env),
      ]);
      await client.query("commit");
      options.commitTimes.set(env.event_id, performance.timeOrigin + performance.now());
    } finally {
      client.release();
    }
  };
  for (let i = 0; i < total; i++) {
    const wait = t0 + i * interval - nowMs();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const p = commitOne(i).finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
  const seconds = (nowMs() - t0) / 1000;
  await pool.end();
  return { committed: total, achievedRate: Math.round(total / seconds) };
}
