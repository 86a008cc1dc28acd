import type pg from "pg";
import { describe, expect } from "vitest";
import { dbTest } from "../../test-support/fixtures.ts";
import { Domain } from "../../runtime/domain.ts";
import { seedWorkspace, userCtx } from "../../test-support/test-domain.ts";
import { connectIntegration } from "./connect-integration.ts";
import { findIntegration } from "./find-integration.ts";
import { openCredentials, openWebhookSecrets } from "./integration-secrets.ts";
import { KeyRing, KeyRingError } from "../../shared/key-ring.ts";
import { listWorkspacesWithIntegrations, resealIntegrationBatch } from "./reseal-integrations.ts";

const test = dbTest.extend("ws", { scope: "file" }, async ({ domain }) => seedWorkspace(domain, "secrets"));

describe("KeyRing", () => {
  const k1 = KeyRing.generateEntry("k1");
  const k2 = KeyRing.generateEntry("k2");

  test("seals with the first key, opens with any listed key, and binds a value to its row and field", () => {
    const old = KeyRing.parse(k1);
    const rotated = KeyRing.parse(`${k2},${k1}`);
    const sealed = old.seal("s3cret", "integrations.credentials:a");
    expect(sealed).toMatch(/^spine:v1:k1:/);
    expect(sealed).not.toContain("s3cret");
    expect(old.seal("s3cret", "integrations.credentials:a")).not.toBe(sealed); // a fresh IV each time
    expect(rotated.open(sealed, "integrations.credentials:a")).toBe("s3cret");
    expect(rotated.seal("x", "c")).toMatch(/^spine:v1:k2:/);
    expect(() => rotated.open(sealed, "integrations.credentials:b")).toThrow(KeyRingError);
    expect(() => KeyRing.parse(k2).open(sealed, "integrations.credentials:a")).toThrow(/not in the key ring/);
    const tampered = sealed.slice(0, -2) + (sealed.endsWith("A") ? "BB" : "AA");
    expect(() => old.open(tampered, "integrations.credentials:a")).toThrow(/failed authentication/);
  });

  test("refuses a malformed ring without echoing key material", () => {
    const bad = "k1:c2hvcnQ="; // 5 bytes
    expect(() => KeyRing.parse(bad)).toThrow(/must be 32 bytes/);
    try {
      KeyRing.parse(bad);
    } catch (err) {
      expect(String(err)).not.toContain("c2hvcnQ=");
    }
    expect(() => KeyRing.parse(`${k1},${k1}`)).toThrow(/listed twice/);
    expect(() => KeyRing.parse("")).toThrow(/at least one key/);
  });
});

describe("integration secrets at rest", () => {
  const columns = async (systemSql: pg.Client) =>
    (await systemSql.query<{ id: string; credentials: Record<string, unknown>; webhook_secret: string | null }>("select id, credentials, webhook_secret from integrations")).rows;

  test("never stores plaintext; rotation re-seals plaintext and old-key values with the new key, audited, idempotently", async ({ db, systemSql, ws }) => {
    const oldRingSpec = KeyRing.generateEntry("old");
    const oldDomain = await Domain.create({ clientUrl: db.appUrl, systemUrl: db.systemUrl, keyRing: KeyRing.parse(oldRingSpec), poolMax: 2 });
    const newEntry = KeyRing.generateEntry("new");
    const newRing = KeyRing.parse(`${newEntry},${oldRingSpec}`);
    const newDomain = await Domain.create({ clientUrl: db.appUrl, systemUrl: db.systemUrl, keyRing: newRing, poolMax: 2 });
    try {
      const view = await oldDomain.run(userCtx(ws.workspaceId, ws.userId), (op) =>
        connectIntegration(op, { provider: "github", name: "gh", credentials: { token: "ghp_PLAINTEXT_TOKEN" }, webhookSecret: "hook-PLAINTEXT-secret" }),
      );
      // A row written before encryption existed: plaintext, set behind the domain's back.
      const legacy = await oldDomain.run(userCtx(ws.workspaceId, ws.userId), (op) => connectIntegration(op, { provider: "stripe", name: "legacy", credentials: {} }));
      await systemSql.query(`update integrations set credentials = '{"apiKey":"sk_LEGACY_PLAINTEXT"}', webhook_secret = 'whsec_LEGACY_PLAINTEXT' where id = $1`, [legacy.id]);

      expect(JSON.stringify((await columns(systemSql)).filter((r) => r.id === view.id))).not.toMatch(/PLAINTEXT/);

      const rotate = () =>
        newDomain.runSystem({ workspaceId: ws.workspaceId, actorId: null, actorType: "system", correlationId: "rotate-test" }, (op) =>
          resealIntegrationBatch(op, { batchSize: 1 }).then(async (first) => {
            let total = first.resealed;
            let after = first.nextAfterId;
            while (after) {
              const next = await resealIntegrationBatch(op, { batchSize: 1, afterId: after });
              total += next.resealed;
              after = next.nextAfterId;
            }
            return total;
          }),
        );
      expect(await newDomain.runSystem({ workspaceId: null, actorId: null, actorType: "system", correlationId: "c" }, (op) => listWorkspacesWithIntegrations(op))).toContain(ws.workspaceId);
      expect(await rotate()).toBe(2);
      expect(await rotate()).toBe(0);

      const after = await columns(systemSql);
      expect(JSON.stringify(after)).not.toMatch(/PLAINTEXT/);
      for (const row of after) {
        expect(KeyRing.keyIdOf(String(row.credentials.$sealed))).toBe("new");
        expect(KeyRing.keyIdOf(row.webhook_secret!)).toBe("new");
      }
      // Only the new key is needed from now on.
      const onlyNew = await Domain.create({ clientUrl: db.appUrl, keyRing: KeyRing.parse(newEntry), poolMax: 1 });
      try {
        const opened = await onlyNew.run(userCtx(ws.workspaceId, ws.userId), async (op) => {
          const a = await findIntegration(op, view.id);
          const b = await findIntegration(op, legacy.id);
          return [openCredentials(op, a), openWebhookSecrets(op, a), openCredentials(op, b), openWebhookSecrets(op, b)];
        });
        expect(opened).toEqual([{ token: "ghp_PLAINTEXT_TOKEN" }, ["hook-PLAINTEXT-secret"], { apiKey: "sk_LEGACY_PLAINTEXT" }, ["whsec_LEGACY_PLAINTEXT"]]);
      } finally {
        await onlyNew.close();
      }
      const audit = await systemSql.query<{ n: string }>("select count(*) as n from audit_logs where action = 'integration.updated' and correlation_id = 'rotate-test'");
      expect(Number(audit.rows[0]!.n)).toBe(2);
      const auditText = JSON.stringify((await systemSql.query("select changes from audit_logs")).rows);
      expect(auditText).not.toMatch(/PLAINTEXT/);
    } finally {
      await oldDomain.close();
      await newDomain.close();
    }
  });

  test("a process without a key ring cannot store a secret", async ({ db, ws }) => {
    const bare = await Domain.create({ clientUrl: db.appUrl, poolMax: 1 });
    try {
      await expect(bare.run(userCtx(ws.workspaceId, ws.userId), (op) => connectIntegration(op, { provider: "github", name: "nokeys", credentials: { token: "x" } })))
        .rejects.toThrow(/no key ring is configured/);
    } finally {
      await bare.close();
    }
  });
});
