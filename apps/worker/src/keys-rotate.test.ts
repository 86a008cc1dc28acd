import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { connectIntegration, createWorkspace, Domain, KeyRing, signUp } from "@spine/domain";
import { dbTest } from "@spine/testing/fixtures";
import { describe, expect } from "vitest";

const appRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const oldEntry = KeyRing.generateEntry("k2026a");
const newEntry = KeyRing.generateEntry("k2026b");

/**
 * `spine(args, env)`: `spine <args>` as its own process, with nothing but the given environment, on a database
 * seeded (sealed with the old key) with two workspaces of three integrations each.
 */
const test = dbTest.extend("spine", { scope: "file" }, async ({ db }) => {
  const domain = await Domain.create({ clientUrl: db.appUrl, keyRing: KeyRing.parse(oldEntry), poolMax: 2 });
  try {
    const sys = { workspaceId: null, actorId: null, actorType: "system" as const, correlationId: "seed" };
    for (const name of ["a", "b"]) {
      const user = await domain.run(sys, (op) => signUp(op, { email: `${name}@rotate.test`, password: "correct horse battery", displayName: name }));
      await domain.run({ ...sys, actorId: user.id, actorType: "user" }, async (op) => {
        await createWorkspace(op, { name });
        for (let i = 0; i < 3; i++) {
          await connectIntegration(op, { provider: "github", name: `gh-${i}`, credentials: { token: `TOKEN-${name}-${i}` }, webhookSecret: `HOOK-${name}-${i}-0123456789` });
        }
      });
    }
  } finally {
    await domain.close();
  }
  return (args: string[], env: Record<string, string>) => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { cwd: appRoot, env, encoding: "utf8", timeout: 150_000 });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  };
});

describe("spine keys rotate", () => {
  test("re-seals every workspace's integration secrets with the new key in batches, audited, and a re-run finds nothing", async ({ db, systemSql, spine }) => {
    const env = { DATABASE_URL: db.ownerUrl, NATS_URL: "nats://127.0.0.1:4222", SPINE_KEY_RING: `${newEntry},${oldEntry}`, PATH: process.env.PATH ?? "" };
    const first = spine(["keys", "rotate", "--batch", "2", "--actor", "ops-alice"], env);
    expect(first.stderr).not.toMatch(/TOKEN-|HOOK-/);
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ active_key: "k2026b", workspaces: 2, scanned: 6, resealed: 6 });
    const second = spine(["keys", "rotate", "--actor", "ops-alice"], env);
    expect(JSON.parse(second.stdout)).toMatchObject({ scanned: 6, resealed: 0 });

    const { rows } = await systemSql.query<{ credentials: { $sealed: string }; webhook_secret: string }>("select credentials, webhook_secret from integrations");
    expect(rows).toHaveLength(6);
    expect(JSON.stringify(rows)).not.toMatch(/TOKEN-|HOOK-/);
    expect(rows.every((r) => KeyRing.keyIdOf(r.credentials.$sealed) === "k2026b" && KeyRing.keyIdOf(r.webhook_secret) === "k2026b")).toBe(true);

    const audits = await systemSql.query<{ actor_name: string; details: { resealed: number } }>("select actor_name, details from system_audit_logs where action = 'keys.rotate' order by occurred_at");
    expect(audits.rows.map((r) => [r.actor_name, r.details.resealed])).toEqual([["ops-alice", 6], ["ops-alice", 0]]);
  });

  test("refuses to run without a key ring, and names a malformed one without printing key material", ({ db, spine }) => {
    const base = { DATABASE_URL: db.ownerUrl, NATS_URL: "nats://127.0.0.1:4222", PATH: process.env.PATH ?? "" };
    const missing = spine(["keys", "rotate"], base);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/SPINE_KEY_RING is required/);
    const malformed = spine(["keys", "rotate"], { ...base, SPINE_KEY_RING: "k1:c2hvcnQ=" });
    expect(malformed.status).not.toBe(0);
    expect(malformed.stderr).toMatch(/SPINE_KEY_RING: key "k1" must be 32 bytes/);
    expect(malformed.stderr).not.toContain("c2hvcnQ=");
  });
});
