import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import type { OperationContext } from "../../context/operation-context.ts";
import { newId } from "../../shared/ids.ts";
import { useTestDomain } from "../../test-support/test-domain.ts";
import { createSession } from "./create-session.ts";
import { refreshSession } from "./refresh-session.ts";
import { revokeSession } from "./revoke-session.ts";
import { signUp } from "./sign-up.ts";

/** Every way a session ends early announces `session.revoked` (a system event) in its own transaction. */
const t = useTestDomain("session-signal");
let owner: pg.Client;
beforeAll(async () => {
  owner = new pg.Client({ connectionString: t.db.ownerUrl });
  await owner.connect();
});
afterAll(async () => owner?.end());

const systemCtx = (correlationId = `corr-${newId()}`): OperationContext => ({ workspaceId: null, actorId: null, actorType: "system", correlationId });

async function signalsOf(correlationId: string) {
  const { rows } = await owner.query<{ workspace_id: string | null; subject: string; payload: unknown }>(
    "select workspace_id, subject, envelope->'payload' as payload from outbox where event_type = 'session.revoked' and envelope->>'correlation_id' = $1",
    [correlationId],
  );
  return rows;
}

describe("session.revoked signal", () => {
  it("sign-out, sign-out everywhere and refresh-token reuse each write one untenanted session.revoked row", async () => {
    const user = await t.domain.run(systemCtx(), (op) => signUp(op, { email: `s-${newId()}@x.test`, password: "a long password 1", displayName: "S" }));
    const a = await t.domain.run(systemCtx(), (op) => createSession(op, user, { ip: null, userAgent: null }, 3600));
    const b = await t.domain.run(systemCtx(), (op) => createSession(op, user, { ip: null, userAgent: null }, 3600));
    const userCtx = (correlationId: string): OperationContext => ({ workspaceId: null, actorId: user.id, actorType: "user", correlationId });

    const one = `corr-${newId()}`;
    await t.domain.run(userCtx(one), (op) => revokeSession(op, user.id, a.session.id, false));
    expect(await signalsOf(one)).toEqual([{
      workspace_id: null, subject: "evt._sys.session.revoked", payload: { user_id: user.id, session_id: a.session.id, token_version: null, reason: "sign_out" },
    }]);

    await t.domain.run(systemCtx(), (op) => refreshSession(op, b.refreshToken, 3600));
    const reuse = `corr-${newId()}`;
    await t.domain.run(systemCtx(reuse), (op) => refreshSession(op, b.refreshToken, 3600));
    expect((await signalsOf(reuse)).map((r) => r.payload)).toEqual([{ user_id: user.id, session_id: b.session.id, token_version: null, reason: "refresh_token_reuse" }]);

    const everywhere = `corr-${newId()}`;
    await t.domain.run(userCtx(everywhere), (op) => revokeSession(op, user.id, a.session.id, true));
    expect((await signalsOf(everywhere)).map((r) => r.payload)).toEqual([{ user_id: user.id, session_id: null, token_version: 1, reason: "sign_out_everywhere" }]);
  });
});
