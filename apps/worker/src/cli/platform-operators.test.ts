import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dbTest } from "@spine/testing/fixtures";
import { describe, expect } from "vitest";

const appRoot = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** Run `spine <args>` as one node process against the test database; resolves with its exit code and output. */
function spine(args: string[], databaseUrl: string): Promise<{ code: number | null; out: string[]; err: string }> {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    cwd: appRoot, env: { PATH: process.env.PATH ?? "", DATABASE_URL: databaseUrl, LOG_LEVEL: "silent" }, stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stdout.on("data", (c: Buffer) => (out += c.toString()));
  proc.stderr.on("data", (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) => proc.once("exit", (code) => resolve({ code, out: out.split("\n").filter(Boolean), err })));
}

describe("spine operators", () => {
  dbTest("grant, list and revoke the platform operator role by email, audited; bad arguments are usage errors", async ({ db, systemSql }) => {
    const userId = randomUUID();
    const email = `op-${userId.slice(0, 8)}@example.test`;
    await systemSql.query("insert into users (id, email, password_hash, display_name) values ($1, $2, 'x', 'Op')", [userId, email]);

    const granted = await spine(["operators", "grant", email.toUpperCase(), "--actor", "alice"], db.ownerUrl);
    expect(granted.code, granted.err).toBe(0);
    expect(JSON.parse(granted.out[0] ?? "{}")).toMatchObject({ user_id: userId, platform_operator: true, changed: true });
    const again = await spine(["operators", "grant", email, "--actor", "alice"], db.ownerUrl);
    expect(JSON.parse(again.out[0] ?? "{}")).toMatchObject({ changed: false });

    const listed = await spine(["operators", "list"], db.ownerUrl);
    expect(listed.out.map((l) => JSON.parse(l) as { email: string; granted_by: string })).toEqual([expect.objectContaining({ email, granted_by: "alice" })]);

    const revoked = await spine(["operators", "revoke", email, "--actor", "alice"], db.ownerUrl);
    expect(JSON.parse(revoked.out[0] ?? "{}")).toMatchObject({ platform_operator: false, changed: true });
    expect((await systemSql.query("select 1 from platform_operators")).rowCount).toBe(0);

    const audits = await systemSql.query<{ action: string; actor_name: string; target_id: string }>(
      "select action, actor_name, target_id from system_audit_logs where action like 'platform_operator.%' order by occurred_at, id",
    );
    expect(audits.rows).toEqual([
      { action: "platform_operator.granted", actor_name: "alice", target_id: userId },
      { action: "platform_operator.revoked", actor_name: "alice", target_id: userId },
    ]);

    const unknown = await spine(["operators", "grant", "nobody@example.test"], db.ownerUrl);
    expect(unknown.code).toBe(1);
    const usage = await spine(["operators", "grant", "not-an-email"], db.ownerUrl);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain("usage: spine operators");
  }, 120_000);
});
