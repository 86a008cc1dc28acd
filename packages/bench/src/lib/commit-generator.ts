import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startChild } from "./child.ts";
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

const childScript = fileURLToPath(new URL("./commit-generator-child.ts", import.meta.url));

/**
 * `commitAtRate` in a child process (its own event loop and core share): the commit times come back
 * into `commitTimes` when it is done. Wall-clock times (`performance.timeOrigin + now`) compare across
 * processes on one machine.
 */
export async function commitAtRateInChild(options: Parameters<typeof commitAtRate>[0]): Promise<{ committed: number; achievedRate: number; pid: number }> {
  const { commitTimes, ...rest } = options;
  const file = join(tmpdir(), `spine-bench-commits-${process.pid}-${Date.now()}.tsv`);
  try {
    const { info } = await startChild(childScript, [JSON.stringify(rest), file]);
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const [id, t] = line.split("\t");
      if (id && t) commitTimes.set(id, Number(t));
    }
    return info as { committed: number; achievedRate: number; pid: number };
  } finally {
    rmSync(file, { force: true });
  }
}
