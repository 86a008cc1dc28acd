import pg from "pg";
import type { EventHandler } from "@spine/bus";
import { defineWorkerHandler, type WorkerOperation } from "../../wiring.ts";

/**
 * A tenant table for test handlers' effects, under the same row-level security as the real ones,
 * without a unique key: a double application would show up as two rows.
 */
export async function createEffectsTable(ownerUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(`
      create table if not exists bus_test_effects (
        id bigserial primary key, workspace_id uuid not null, event_id uuid not null, handler text not null,
        created_at timestamptz not null default now());
      alter table bus_test_effects enable row level security;
      alter table bus_test_effects force row level security;
      drop policy if exists tenant_isolation on bus_test_effects;
      create policy tenant_isolation on bus_test_effects
        using (workspace_id = spine_current_workspace()) with check (workspace_id = spine_current_workspace());
      grant select, insert on bus_test_effects to spine_app;
      grant usage on sequence bus_test_effects_id_seq to spine_app;
      grant select on bus_test_effects to spine_system;`);
  } finally {
    await client.end();
  }
}

/** A handler that writes one effect row per `project.created`, in the workspace its transaction is scoped to. */
export function effectsHandler(name: string, subjectFilter = ">"): EventHandler<"project.created", WorkerOperation> {
  return defineWorkerHandler({
    name,
    subjectFilter,
    eventTypes: ["project.created"],
    async handle(envelope, { op }) {
      await op.em.execute("insert into bus_test_effects (workspace_id, event_id, handler) values (spine_current_workspace(), ?, ?)", [
        envelope.event_id,
        name,
      ]);
    },
  });
}

export async function effectCounts(pool: pg.Pool, handler: string): Promise<{ rows: number; distinct: number }> {
  const { rows } = await pool.query<{ rows: number; distinct: number }>(
    "select count(*)::int as rows, count(distinct event_id)::int as distinct from bus_test_effects where handler = $1",
    [handler],
  );
  return rows[0] ?? { rows: -1, distinct: -1 };
}
