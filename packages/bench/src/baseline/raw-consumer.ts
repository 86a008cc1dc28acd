import pg from "pg";
import { newId } from "@spine/domain";
import { nowMs } from "../lib/stats.ts";

/** The consumer floor: per event, one transaction inserting its job_runs row and one effect row. */
export async function rawConsumerInserts(appUrl: string, workspaceId: string, events: number): Promise<{ perSecond: number }> {
  const client = new pg.Client({ connectionString: appUrl });
  await client.connect();
  const start = nowMs();
  for (let i = 0; i < events; i++) {
    const eventId = newId();
    await client.query("begin");
    await client.query("select set_config('app.workspace_id', $1, true)", [workspaceId]);
    await client.query(
      "insert into job_runs (id, workspace_id, handler, operation_key, event_id, status, finished_at) values ($1, $2, 'raw', $3, $4, 'succeeded', now())",
      [newId(), workspaceId, `raw:${eventId}`, eventId],
    );
    await client.query(
      "insert into activity_logs (id, workspace_id, verb, target_type, summary) values ($1, $2, 'bench', 'event', 'raw effect')",
      [newId(), workspaceId],
    );
    await client.query("commit");
  }
  const seconds = (nowMs() - start) / 1000;
  await client.end();
  return { perSecond: Math.round(events / seconds) };
}
