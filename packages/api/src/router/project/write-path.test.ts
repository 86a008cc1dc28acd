import { describe, expect } from "vitest";
import { apiTest } from "../../test-support/fixtures.ts";

// The meter's buffered api_calls counts are written on a timer; keep it out of the counted window.
const test = apiTest.override("apiOptions", { scope: "file" }, { apiCalls: { flushIntervalMs: 3_600_000 } });

interface KnexLike {
  on(event: "query", listener: (q: { sql: string }) => void): void;
  off(event: "query", listener: (q: { sql: string }) => void): void;
}

/** Every statement the API's domain sends to PostgreSQL while `fn` runs: one per round trip. */
async function statementsOf(knex: KnexLike, fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (q: { sql: string }) => seen.push(q.sql.replace(/\s+/g, " "));
  knex.on("query", listener);
  try {
    await fn();
  } finally {
    knex.off("query", listener);
  }
  return seen;
}

describe("the write path: project.create in at most four round trips", () => {
  test("begin + scope, one authorization statement, one insert of project + outbox + activity, commit", async ({ api: h, workspace: f, owner }) => {
    const knex = h.domain.orm.em.getConnection().getKnex() as unknown as KnexLike;
    const input = { workspaceId: f.workspaceId, name: "counted" };
    // Without an Idempotency-Key: four.
    const bare = await statementsOf(knex, async () => {
      const res = await h.raw("project.create", { type: "mutation", input, token: owner.session.accessToken });
      expect(res.status, JSON.stringify(res.body.error)).toBe(200);
    });
    expect(bare, bare.join("\n")).toHaveLength(4);
    expect(bare[0]).toMatch(/^begin; select set_config/);
    expect(bare[1]).toMatch(/from \(select 1\) as one/);
    expect(bare[2]).toMatch(/^with w0 as \(insert into "projects".*insert into "(outbox|activity_logs)"/);
    expect(bare[3]).toMatch(/^commit/i);

    // With one (the typed client always sends one): the claim rides on the authorization statement, and
    // the response stored for replays rides with the commit: still four.
    const keyed = await statementsOf(knex, () => owner.client.project.create.mutate(input));
    expect(keyed, keyed.join("\n")).toHaveLength(4);
    expect(keyed[1]).toMatch(/^with claim as \(insert into idempotency_keys/);
    expect(keyed[3]).toMatch(/^update idempotency_keys set response = '.*'::jsonb where id = '[0-9a-f-]{36}'; commit$/);
    // And a retry with the same key is answered from what that commit stored.
    const first = await owner.client.project.create.mutate({ ...input, name: "once" }, { context: { idempotencyKey: "write-path-key-1" } });
    const again = await owner.client.project.create.mutate({ ...input, name: "once" }, { context: { idempotencyKey: "write-path-key-1" } });
    expect(again).toEqual(first);
    const { rows } = await h.sql.query("select 1 from projects where workspace_id = $1 and name = 'once'", [f.workspaceId]);
    expect(rows).toHaveLength(1);
  });

  test("the one insert writes the project, its project.created event and its activity line together", async ({ api: h, workspace: f, owner }) => {
    const project = await owner.client.project.create.mutate({ workspaceId: f.workspaceId, name: "together" });
    const { rows } = await h.sql.query<{ kind: string }>(
      `select 'project' as kind from projects where id = $1
       union all select 'event:' || event_type from outbox where envelope->'payload'->>'project_id' = $1::text
       union all select 'activity:' || verb from activity_logs where target_id = $1`,
      [project.id],
    );
    expect(rows.map((r) => r.kind).sort()).toEqual(["activity:created", "event:project.created", "project"]);
    // And it is a managed, readable project at once.
    expect(await owner.client.project.get.query({ workspaceId: f.workspaceId, projectId: project.id })).toMatchObject({ id: project.id, name: "together" });
  });
});
