import { randomUUID } from "node:crypto";
import { createEnvelope, subjectFor, type EnvelopeOf } from "@spine/contracts";
import type pg from "pg";

/** A valid `project.created` envelope for a workspace. */
export function projectCreated(workspaceId: string, name = "P"): EnvelopeOf<"project.created"> {
  return createEnvelope({
    type: "project.created",
    payload: { project_id: randomUUID(), name },
    workspaceId,
    actorId: null,
    correlationId: `test-${randomUUID()}`,
  });
}

/** The row the domain's `emit` writes (canonical `evt.` subject), inside the caller's transaction. */
export async function insertOutboxRow(client: pg.ClientBase, envelope: EnvelopeOf<"project.created">): Promise<void> {
  await client.query("insert into outbox (id, workspace_id, event_type, subject, envelope) values ($1, $2, $3, $4, $5)", [
    envelope.event_id,
    envelope.workspace_id,
    envelope.event_type,
    subjectFor(envelope.workspace_id, envelope.event_type),
    JSON.stringify(envelope),
  ]);
}

/** Commit `count` events in one transaction; returns their event ids. */
export async function commitEvents(pool: pg.Pool, workspaceId: string, count: number): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const env = projectCreated(workspaceId, `P${i}`);
      await insertOutboxRow(client, env);
      ids.push(env.event_id);
    }
    await client.query("commit");
    return ids;
  } catch (err) {
    await client.query("rollback").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
