import { describe, expect } from "vitest";
import { dbTest as test } from "../../test-support/fixtures.ts";
import type pg from "pg";
import type { OperationContext } from "../../context/operation-context.ts";
import { newId } from "../../shared/ids.ts";
import { createSession } from "./create-session.ts";
import { refreshSession } from "./refresh-session.ts";
import { revokeSession } from "./revoke-session.ts";
import { signUp } from "./sign-up.ts";

/** Every way a session ends early announces `session.revoked` (a system event) in its own transaction. */

const systemCtx = (correlationId = `corr-${newId()}`): OperationContext => ({ workspaceId: null, actorId: null, actorType: "system", correlationId });

async function signalsOf(ownerSql: pg.Client, correlationId: string) {
  const { rows } = await ownerSql.query<{ workspace_id: string | null; subject: string; payload: unknown }>(
    "select workspace_id, subject, envelope->'payload' as payload from outbox where event_type = 'session.revoked' and envelope->>'correlation_id' = $1",
    [correlationId],
  );
  return rows;
}

describe("session.revoked signal", () => {
  test("sign-out, sign-out everywhere and refresh-token reuse each write one untenanted session.revoked row", async ({ domain, ownerSql }) => {
    const user = await domain.run(systemCtx(), (op) => signUp(op, { email: `s-${newId()}@x.test`, password: "a long password 1", displayName: "S" }));
    const a = await domain.run(systemCtx(), (op) => createSession(op, user, { ip: null, userAgent: null }, 3600));
    const b = await domain.run(systemCtx(), (op) => createSession(op, user, { ip: null, userAgent: null }, 3600));
    const userCtx = (correlationId: string): OperationContext => ({ workspaceId: null, actorId: user.id, actorType: "user", correlationId });

    const one = `corr-${newId()}`;
    await domain.run(userCtx(one), (op) => revokeSession(op, user.id, a.session.id, false));
    expect(await signalsOf(ownerSql, one)).toEqual([{
      workspace_id: null, subject: "evt._sys.session.revoked", payload: { user_id: user.id, session_id: a.session.id, token_version: null, reason: "sign_out" },
    }]);

    await domain.run(systemCtx(), (op) => refreshSession(op, b.refreshToken, 3600));
    const reuse = `corr-${newId()}`;
    await domain.run(systemCtx(reuse), (op) => refreshSession(op, b.refreshToken, 3600));
    expect((await signalsOf(ownerSql, reuse)).map((r) => r.payload)).toEqual([{ user_id: user.id, session_id: b.session.id, token_version: null, reason: "refresh_token_reuse" }]);

    const everywhere = `corr-${newId()}`;
    await domain.run(userCtx(everywhere), (op) => revokeSession(op, user.id, a.session.id, true));
    expect((await signalsOf(ownerSql, everywhere)).map((r) => r.payload)).toEqual([{ user_id: user.id, session_id: null, token_version: 1, reason: "sign_out_everywhere" }]);
  });
});
