import { describe, expect } from "vitest";
import { dbTest as test } from "../../test-support/fixtures.ts";
import pg from "pg";
import type { OperationContext } from "../../context/operation-context.ts";
import { newId } from "../../shared/ids.ts";
import { createSession } from "../identity/create-session.ts";
import { refreshSession } from "../identity/refresh-session.ts";
import { revokeSession } from "../identity/revoke-session.ts";
import { signUp } from "../identity/sign-up.ts";
import { recordSystemAudit } from "./record-system-audit.ts";

const systemCtx = (correlationId = `corr-${newId()}`): OperationContext => ({ workspaceId: null, actorId: null, actorType: "system", correlationId });

async function rowsOf(ownerSql: pg.Client, correlationId: string) {
  const { rows } = await ownerSql.query(
    "select actor_id, actor_type, actor_name, action, target_type, target_id, details, correlation_id from system_audit_logs where correlation_id = $1 order by occurred_at, id",
    [correlationId],
  );
  return rows as Array<Record<string, unknown>>;
}

describe("system audit trail", () => {
  test("sign-up, sign-out everywhere and refresh-token reuse each write one row with actor, action, target and correlation id", async ({ domain, ownerSql }) => {
    const signUpCorr = `corr-${newId()}`;
    const user = await domain.run(systemCtx(signUpCorr), (op) => signUp(op, { email: `A-${newId()}@x.test`, password: "a long password 1", displayName: "A" }));
    expect(await rowsOf(ownerSql, signUpCorr)).toEqual([{
      actor_id: user.id, actor_type: "user", actor_name: null, action: "user.sign_up", target_type: "user", target_id: user.id, details: {}, correlation_id: signUpCorr,
    }]);

    const first = await domain.run(systemCtx(), (op) => createSession(op, user, { ip: null, userAgent: null }, 3600));
    const rotated = await domain.run(systemCtx(), (op) => refreshSession(op, first.refreshToken, 3600));
    expect(rotated.revoked).toBe(false);
    const reuseCorr = `corr-${newId()}`;
    const reused = await domain.run(systemCtx(reuseCorr), (op) => refreshSession(op, first.refreshToken, 3600));
    expect(reused.revoked).toBe(true);
    expect(await rowsOf(ownerSql, reuseCorr)).toEqual([{
      actor_id: null, actor_type: "system", actor_name: null, action: "session.revoked_on_reuse", target_type: "session", target_id: first.session.id,
      details: { user_id: user.id }, correlation_id: reuseCorr,
    }]);

    await domain.run(systemCtx(), (op) => createSession(op, user, { ip: null, userAgent: null }, 3600));
    const outCorr = `corr-${newId()}`;
    const userCtx: OperationContext = { workspaceId: null, actorId: user.id, actorType: "user", correlationId: outCorr };
    const revoked = await domain.run(userCtx, (op) => revokeSession(op, user.id, first.session.id, true));
    expect(revoked).toBe(1);
    expect(await rowsOf(ownerSql, outCorr)).toEqual([{
      actor_id: user.id, actor_type: "user", actor_name: null, action: "session.revoke_all", target_type: "user", target_id: user.id,
      details: { revoked_sessions: 1 }, correlation_id: outCorr,
    }]);
    // Signing out one session is not a privileged action outside the workspace: no row.
    const oneCorr = `corr-${newId()}`;
    await domain.run({ ...userCtx, correlationId: oneCorr }, (op) => revokeSession(op, user.id, first.session.id, false));
    expect(await rowsOf(ownerSql, oneCorr)).toEqual([]);
  });

  test("commits with the operation or not at all, redacts secrets, and the app role can append but not read or change it", async ({ domain, db, ownerSql }) => {
    const corr = `corr-${newId()}`;
    await expect(
      domain.run(systemCtx(corr), async (op) => {
        await recordSystemAudit(op, { action: "tool.grant", targetType: "tool", targetId: "x", details: { apiKey: "s3cret" } });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await rowsOf(ownerSql, corr)).toEqual([]);

    await domain.run(systemCtx(corr), (op) =>
      recordSystemAudit(op, { action: "tool.grant", targetType: "tool", targetId: "x", actorName: "ops", details: { apiKey: "s3cret", n: 1 } }),
    );
    const [row] = await rowsOf(ownerSql, corr);
    expect(row).toMatchObject({ action: "tool.grant", actor_name: "ops", details: { n: 1 } });
    expect(JSON.stringify(row)).not.toContain("s3cret");

    const app = new pg.Client({ connectionString: db.appUrl });
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
