import { randomUUID } from "node:crypto";
import { grantPlatformOperator } from "@spine/domain";
import { describe, expect } from "vitest";
import type { Actor, ApiHarness } from "../../test-support/api-harness.ts";
import { apiTest } from "../../test-support/fixtures.ts";
import { OPERATOR_PROCEDURES } from "../../test-support/procedure-table.ts";
import { createWorkspaceFixture, type WorkspaceFixture } from "../../test-support/workspace-fixture.ts";

/** A dead letter of `workspaceId`, seeded as the worker leaves one. */
async function seedDeadLetter(h: ApiHarness, workspaceId: string, handler: string): Promise<string> {
  const id = randomUUID();
  await h.sql.query(
    `insert into dead_letter_jobs (id, workspace_id, handler, event_type, subject, envelope, error, attempts)
     values ($1, $2, $3, 'project.created', 'evt.x.project.created', '{}', 'boom', 5)`,
    [id, workspaceId, handler],
  );
  return id;
}

/** A failed inbound event of a new Stripe integration of `f`, seeded as the worker leaves one. */
async function seedFailedEvent(f: WorkspaceFixture): Promise<string> {
  const integration = await f.owner.client.integration.connect.mutate({
    workspaceId: f.workspaceId, provider: "stripe", name: `s-${randomUUID().slice(0, 6)}`, credentials: { apiKey: "sk_test_x" },
    webhookSecret: `whsec_${Buffer.from(randomUUID()).toString("base64")}`,
  });
  const id = randomUUID();
  await f.h.sql.query(
    `insert into integration_events (id, workspace_id, integration_id, source, source_event_id, event_type, payload, status, error, attempts)
     values ($1, $2, $3, $4, $5, 'customer.subscription.updated', '{}', 'failed', 'BAD_REQUEST: malformed', 3)`,
    [id, f.workspaceId, integration.id, integration.id, `evt_${randomUUID().slice(0, 8)}`],
  );
  return id;
}

// `owner` owns A (`workspace`), bob owns B; `operator` is a platform operator, a member of neither.
const test = apiTest
  .extend("b", { scope: "file" }, async ({ api, workspace }) => {
    void workspace;
    return createWorkspaceFixture(api, await api.signUp("bob"), "B");
  })
  .extend("operator", { scope: "file" }, async ({ api, domain }): Promise<Actor> => {
    const actor = await api.signUp("operator");
    // What `spine operators grant <email>` does (the CLI is the only way in).
    await domain.runSystem({ workspaceId: null, actorId: null, actorType: "system", correlationId: "test-grant" }, (op) =>
      grantPlatformOperator(op, { email: actor.email, grantedBy: "test" }));
    return actor;
  });

describe("platform operator", () => {
  test("auth.me tells an operator from everyone else", async ({ owner, operator }) => {
    expect(await operator.client.auth.me.query()).toMatchObject({ id: operator.userId, platformOperator: true });
    expect(await owner.client.auth.me.query()).toMatchObject({ id: owner.userId, platformOperator: false });
  });

  test("lists and inspects dead letters and failed integration events of every workspace", async ({ api: h, workspace: a, b, operator }) => {
    const inA = await seedDeadLetter(h, a.workspaceId, "usage-metering");
    const inB = await seedDeadLetter(h, b.workspaceId, "document-ingestion");
    const failedA = await seedFailedEvent(a);
    const failedB = await seedFailedEvent(b);

    const letters = await operator.client.operator.deadLetters.list.query({});
    expect(letters.map((l) => [l.id, l.workspaceId, l.workspaceName]).filter(([id]) => id === inA || id === inB).sort()).toEqual(
      [[inA, a.workspaceId, "W"], [inB, b.workspaceId, "B"]].sort(),
    );
    const onlyB = await operator.client.operator.deadLetters.list.query({ workspaceId: b.workspaceId });
    expect(onlyB.every((l) => l.workspaceId === b.workspaceId)).toBe(true);
    expect(onlyB.map((l) => l.id)).toContain(inB);
    const inspected = await operator.client.operator.deadLetters.get.query({ deadLetterId: inB });
    expect(inspected).toMatchObject({ id: inB, handler: "document-ingestion", error: "boom", workspaceId: b.workspaceId, status: "dead" });

    const events = await operator.client.operator.failedIntegrationEvents.list.query({});
    expect(events.map((e) => e.id)).toEqual(expect.arrayContaining([failedA, failedB]));
    expect(events.find((e) => e.id === failedB)).toMatchObject({ workspaceId: b.workspaceId, workspaceName: "B", provider: "stripe", status: "failed", error: "BAD_REQUEST: malformed" });
  });

  test("a workspace owner (not an operator) is FORBIDDEN on every operator procedure and changes nothing", async ({ api: h, owner, b }) => {
    const letter = await seedDeadLetter(h, b.workspaceId, "usage-metering");
    const event = await seedFailedEvent(b);
    const before = await h.fingerprint();
    const inputs: Record<string, Record<string, unknown>> = {
      "operator.deadLetters.list": {}, "operator.deadLetters.get": { deadLetterId: letter }, "operator.deadLetters.replay": { deadLetterId: letter },
      "operator.failedIntegrationEvents.list": {}, "operator.failedIntegrationEvents.retry": { integrationEventId: event },
    };
    for (const proc of OPERATOR_PROCEDURES) {
      const res = await h.raw(proc.path, { type: proc.type, input: inputs[proc.path], token: owner.session.accessToken });
      expect(res.status, proc.path).toBe(403);
      expect(res.body.error?.data).toMatchObject({ code: "FORBIDDEN", appCode: "FORBIDDEN" });
      expect(JSON.stringify(res.body)).not.toContain("usage-metering");
      // Without a token: UNAUTHORIZED, as everywhere.
      expect((await h.raw(proc.path, { type: proc.type, input: inputs[proc.path] })).status, proc.path).toBe(401);
    }
    expect(await h.fingerprint()).toEqual(before);
    expect((await h.sql.query("select replay_requested_at from dead_letter_jobs where id = $1", [letter])).rows[0]).toEqual({ replay_requested_at: null });
  });

  test("a replay by the operator is requested in the affected workspace and audited there with the operator as actor", async ({ api: h, b, operator }) => {
    const letter = await seedDeadLetter(h, b.workspaceId, "usage-metering");
    const replayed = await operator.client.operator.deadLetters.replay.mutate({ deadLetterId: letter });
    expect(replayed).toMatchObject({ id: letter, workspaceId: b.workspaceId, status: "dead" });
    expect(replayed.replayRequestedAt).not.toBeNull();

    const audit = await b.owner.client.audit.list.query({ workspaceId: b.workspaceId, action: "dead_letter.replay_requested" });
    const mine = audit.items.filter((r) => r.targetId === letter);
    expect(mine.map((r) => [r.actorId, r.actorType, r.changes.after?.via])).toEqual([[operator.userId, "user", "platform_operator"]]);
    const { rows } = await h.sql.query<{ actor_id: string; details: { workspace_id: string } }>(
      "select actor_id, details from system_audit_logs where action = 'operator.dead_letter.replay_requested' and target_id = $1", [letter]);
    expect(rows.map((r) => [r.actor_id, r.details.workspace_id])).toEqual([[operator.userId, b.workspaceId]]);
    // The worker takes it from here (claimRequestedDeadLetterReplays), as for an owner's request.
    expect((await h.sql.query("select replay_requested_by from dead_letter_jobs where id = $1", [letter])).rows[0]).toEqual({ replay_requested_by: operator.userId });

    // Once replayed, another replay is refused with a typed error.
    await h.sql.query("update dead_letter_jobs set status = 'replayed', replayed_at = now(), replay_requested_at = null where id = $1", [letter]);
    const again = await h.raw("operator.deadLetters.replay", { type: "mutation", input: { deadLetterId: letter }, token: operator.session.accessToken });
    expect(again.body.error?.data).toMatchObject({ appCode: "PRECONDITION_FAILED" });
  });

  test("a retry by the operator sends the failed event through again, audited in its workspace", async ({ api: h, workspace: a, operator }) => {
    const event = await seedFailedEvent(a);
    expect(await operator.client.operator.failedIntegrationEvents.retry.mutate({ integrationEventId: event })).toEqual({
      integrationEventId: event, workspaceId: a.workspaceId, status: "received",
    });
    const audit = await a.owner.client.audit.list.query({ workspaceId: a.workspaceId, action: "integration_event.retried" });
    expect(audit.items.filter((r) => r.targetId === event)).toEqual([expect.objectContaining({ actorId: operator.userId, actorType: "user" })]);
    const { rows } = await h.sql.query("select event_type from outbox where workspace_id = $1 and envelope->'payload'->>'integration_event_id' = $2", [a.workspaceId, event]);
    expect(rows).toEqual([{ event_type: "webhook.received" }]);
    const twice = await h.raw("operator.failedIntegrationEvents.retry", { type: "mutation", input: { integrationEventId: event }, token: operator.session.accessToken });
    expect(twice.body.error?.data).toMatchObject({ appCode: "CONFLICT" });
  });

  test("bad input gets typed errors naming the field, and unknown ids NOT_FOUND", async ({ api: h, operator }) => {
    const token = operator.session.accessToken;
    const cases: [string, "query" | "mutation", unknown, string][] = [
      ["operator.deadLetters.get", "query", { deadLetterId: "nope" }, "deadLetterId"],
      ["operator.deadLetters.replay", "mutation", {}, "deadLetterId"],
      ["operator.deadLetters.list", "query", { workspaceId: "x" }, "workspaceId"],
      ["operator.deadLetters.list", "query", { limit: 0 }, "limit"],
      ["operator.deadLetters.list", "query", { status: "lost" }, "status"],
      ["operator.failedIntegrationEvents.list", "query", { limit: 1000 }, "limit"],
      ["operator.failedIntegrationEvents.retry", "mutation", { integrationEventId: 5 }, "integrationEventId"],
    ];
    for (const [path, type, input, field] of cases) {
      const res = await h.raw(path, { type, input, token });
      expect(res.status, `${path} ${JSON.stringify(input)}`).toBe(400);
      expect(res.body.error?.data.code).toBe("BAD_REQUEST");
      expect(res.body.error?.data.issues.map((i) => i.path)).toContain(field);
    }
    for (const [path, type, input] of [
      ["operator.deadLetters.get", "query", { deadLetterId: randomUUID() }],
      ["operator.deadLetters.replay", "mutation", { deadLetterId: randomUUID() }],
      ["operator.failedIntegrationEvents.retry", "mutation", { integrationEventId: randomUUID() }],
    ] as const) {
      const res = await h.raw(path, { type, input, token });
      expect(res.body.error?.data.appCode, path).toBe("NOT_FOUND");
    }
  });
});
