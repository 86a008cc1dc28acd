import pg from "pg";
import { createEnvelope, subjectFor } from "@spine/contracts";
import { newId } from "@spine/domain";

export interface BacklogMessage {
  id: string;
  workspaceId: string;
  type: string;
  envelope: string;
}

/** Build `count` valid envelopes spread over the workspaces. */
export function buildEnvelopes(count: number, workspaceIds: string[], actorId: string): BacklogMessage[] {
  const out: BacklogMessage[] = [];
  for (let i = 0; i < count; i++) {
    const workspaceId = workspaceIds[i % workspaceIds.length]!;
    const env = createEnvelope({ type: "project.created", payload: { project_id: newId(), name: `backlog ${i}` }, workspaceId, actorId, correlationId: `bench-${i}` });
    out.push({ id: env.event_id, workspaceId, type: env.event_type, envelope: JSON.stringify(env) });
  }
  return out;
}

/** Insert committed outbox rows in large batches (as the owner: this is fixture loading, not the measured path). */
export async function loadBacklog(ownerUrl: string, messages: BacklogMessage[], batch = 5000): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    for (let i = 0; i < messages.length; i += batch) {
      const part = messages.slice(i, i + batch);
      await client.query(
        // validated: built by createEnvelope, which validates, as op.emit's rows are.
        `insert into outbox (id, workspace_id, event_type, subject, envelope, validated)
         select *, true from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::jsonb[])`,
        [part.map((m) => m.id), part.map((m) => m.workspaceId), part.map((m) => m.type), part.map((m) => subjectFor(m.workspaceId, m.type)), part.map((m) => m.envelope)],
      );
    }
  } finally {
    await client.end();
  }
}
