import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import type { OperationContext } from "../../context/operation-context.ts";
import { newId } from "../../shared/ids.ts";
import { useTestDomain } from "../../test-support/test-domain.ts";
import { createSession } from "../identity/create-session.ts";
import { refreshSession } from "../identity/refresh-session.ts";
import { revokeSession } from "../identity/revoke-session.ts";
import { signUp } from "../identity/sign-up.ts";
import { recordSystemAudit } from "./record-system-audit.ts";

const t = useTestDomain("sysaudit");
let owner: pg.Client;
beforeAll(async () => {
  owner = new pg.Client({ connectionString: t.db.ownerUrl });
  await owner.connect();
});
afterAll(async () => owner?.end());

const systemCtx = (correlationId = `corr-${newId()}`): OperationContext => ({ workspaceId: null, actorId: null, actorType: "system", correlationId });

async function rowsOf(correlationId: string) {
  const { rows } = await owner.query(
    "select actor_id, actor_type, actor_name, action, target_type, target_id, details, correlation_id from system_audit_logs where correlation_id = $1 order by occurred_at, id",
    [correlationId],
  );
  return rows as Array<Record<string, unknown>>;
}

describe("system audit trail", () => {
  it("sign-up, sign-out everywhere and refresh-token reuse each write one row with actor, action, target and correlation id", async () => {
    const signUpCorr = `corr-${newId()}`;
    const user = await t.domain.run(systemCtx(signUpCorr), (op) => signUp(op, { email: `A-${newId()}@x.test`, password: "a long password 1", displayName: "A" }));
    expect(await rowsOf(signUpCorr)).toEqual([{
      actor_id: user.id, actor_type: "user", actor_name: null, action: "user.sign_up", target_type: "user", target_id: user.id, details: {}, correlation_id: signUpCorr,
    }]);

    const first = await t.domain.run(systemCtx(), (op) => createSession(op, user, { ip: null, userAgent: null }, 3600));
    const rotated = await t.domain.run(systemCtx(), (op) => refreshSession(op, first.refreshToken, 3600));
    expect(rotated.revoked).toBe(false);
    const reuseCorr = `corr-${newId()}`;
    const reused = await t.domain.run(systemCtx(reuseCorr), (op) => refreshSession(op, first.refreshToken, 3600));
    expect(reused.revoked).toBe(true);
    expect(await rowsOf(reuseCorr)).toEqual([{
      actor_id: null, actor_type: "system", actor_name: null, action: "session.revoked_on_reuse", target_type: "session", target_id: first.session.id,
      details: { user_id: user.id }, correlation_id: reuseCorr,
    }]);

    await t.domain.run(systemCtx(), (op) => createSession(op, user, { ip: null, userAgent: null }, 3600));
    const outCorr = `corr-${newId()}`;
    const userCtx: OperationContext = { workspaceId: null, actorId: user.id, actorType: "user", correlationId: outCorr };
    const revoked = await t.domain.run(userCtx, (op) => revokeSession(op, user.id, first.session.id, true));
    expect(revoked).toBe(1);
    expect(await rowsOf(outCorr)).toEqual([{
      actor_id: user.id, actor_type: "user", actor_name: null, action: "session.revoke_all", target_type: "user", target_id: user.id,
      details: { revoked_sessions: 1 }, correlation_id: outCorr,
    }]);
    // Signing out one session is not a privileged action outside the workspace: no row.
    const oneCorr = `corr-${newId()}`;
    await t.domain.run({ ...userCtx, correlationId: oneCorr }, (op) => revokeSession(op, user.id, first.session.id, false));
    expect(await rowsOf(oneCorr)).toEqual([]);
  });

  it("commits with the operation or not at all, redacts secrets, and the app role can append but not read or change it", async () => {
    const corr = `corr-${newId()}`;
    await expect(
      t.domain.run(systemCtx(corr), async (op) => {
        await recordSystemAudit(op, { action: "tool.grant", targetType: "tool", targetId: "x", details: { apiKey: "s3cret" } });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await rowsOf(corr)).toEqual([]);

    await t.domain.run(systemCtx(corr), (op) =>
      recordSystemAudit(op, { action: "tool.grant", targetType: "tool", targetId: "x", actorName: "ops", details: { apiKey: "s3cret", n: 1 } }),
    );
    const [row] = await rowsOf(corr);
    expect(row).toMatchObject({ action: "tool.grant", actor_name: "ops", details: { n: 1 } });
    expect(JSON.stringify(row)).not.toContain("s3cret");

    const app = new pg.Client({ connectionString: t.db.appUrl });
    await app.connect();
    try {
      for (const sql of ["select 1 from system_audit_logs", "update system_audit_logs set action = 'x'", "delete from system_audit_logs"]) {
        await expect(app.query(sql), sql).rejects.toMatchObject({ code: "42501" });
      }
    } finally {
      await app.end();
    }
  });
});
