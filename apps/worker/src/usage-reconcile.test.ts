import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createItem, createProject, createWorkspace, Domain, signUp } from "@spine/domain";
import { dbTest } from "@spine/testing/fixtures";
import { describe, expect } from "vitest";

const appRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
/**
 * `spine(args)`: `spine <args>` as its own process on `db`; `workspaceId`: a workspace with three projects of one
 * item each, two of them (and their items) created in March 2026 (a settled window), one today, with no
 * metering run, and an items counter that over-counts March.
 */
const test = dbTest
  .extend("spine", { scope: "file" }, ({ db }) => (args: string[]) => {
    const env = { DATABASE_URL: db.ownerUrl, NATS_URL: "nats://127.0.0.1:4222", PATH: process.env.PATH ?? "" };
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { cwd: appRoot, env, encoding: "utf8", timeout: 150_000 });
    return { status: run.status, out: run.stdout ? (JSON.parse(run.stdout) as { drifts: Array<Record<string, unknown>> }) : null, stderr: run.stderr };
  })
  .extend("workspaceId", { scope: "file" }, async ({ db, systemSql }) => {
    const domain = await Domain.create({ clientUrl: db.appUrl, poolMax: 2 });
    let workspaceId: string;
    try {
      const sys = { workspaceId: null, actorId: null, actorType: "system" as const, correlationId: "seed" };
      const user = await domain.run(sys, (op) => signUp(op, { email: "r@reconcile.test", password: "correct horse battery", displayName: "R" }));
      workspaceId = await domain.run({ ...sys, actorId: user.id, actorType: "user" }, async (op) => (await createWorkspace(op, { name: "R" })).workspace.id);
      await domain.run({ workspaceId, actorId: user.id, actorType: "user", correlationId: "seed" }, async (op) => {
        for (const name of ["a", "b", "c"]) {
          const project = await createProject(op, { name });
          await createItem(op, { projectId: project.id, title: `${name} item` });
        }
      });
    } finally {
      await domain.close();
    }
    // Two projects and their items were created in March 2026 (a settled window), one today; no metering ran.
    await systemSql.query("update projects set created_at = '2026-03-10T12:00:00Z' where name in ('a', 'b')");
    await systemSql.query("update items set created_at = '2026-03-10T12:00:00Z' where title in ('a item', 'b item')");
    // A counter that over-counts a settled window.
    await systemSql.query(
      `insert into usage_counters (id, workspace_id, metric, "window", window_start, value) values (gen_random_uuid(), $1, 'items', 'month', '2026-03-01T00:00:00Z', 7)`,
      [workspaceId],
    );
    return workspaceId;
  });

describe("spine usage reconcile", () => {
  test("reports drift against the rows, repairs settled windows only, is idempotent and audited", async ({ spine, workspaceId, systemSql }) => {
    const since = "2026-01-01T00:00:00Z";
    const report = spine(["usage", "reconcile", "--workspace", workspaceId.toUpperCase(), "--since", since]);
    expect(report.status).toBe(1);
    const march = (d: Record<string, unknown>) => String(d.window_start).startsWith("2026-03");
    expect(report.out!.drifts.filter(march)).toEqual(expect.arrayContaining([
      { metric: "projects", window: "month", window_start: "2026-03-01T00:00:00.000Z", counted: 0, actual: 2, repaired: false },
      { metric: "items", window: "month", window_start: "2026-03-01T00:00:00.000Z", counted: 7, actual: 2, repaired: false },
      { metric: "items", window: "day", window_start: "2026-03-10T00:00:00.000Z", counted: 0, actual: 2, repaired: false },
    ]));
    const counterRows = async () => (await systemSql.query<{ n: number }>("select count(*)::int as n from usage_counters")).rows[0]!.n;
    const before = await counterRows();

    const repaired = spine(["usage", "reconcile", "--workspace", workspaceId, "--since", since, "--repair", "--actor", "ops-bob"]);
    expect(repaired.out!.drifts.filter(march).every((d) => d.repaired === true)).toBe(true);
    // Today's windows are open: reported, never repaired (the metering consumer may still count them).
    const open = repaired.out!.drifts.filter((d) => !march(d));
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((d) => d.repaired === false)).toBe(true);
    expect(repaired.status).toBe(1);
    expect(await counterRows()).toBeGreaterThan(before);
    const { rows } = await systemSql.query(`select metric, "window", value from usage_counters where window_start >= '2026-03-01' and window_start < '2026-04-01' order by 1, 2`);
    expect(rows).toEqual([
      { metric: "items", window: "day", value: "2" }, { metric: "items", window: "month", value: "2" },
      { metric: "projects", window: "day", value: "2" }, { metric: "projects", window: "month", value: "2" },
    ]);

    const again = spine(["usage", "reconcile", "--workspace", workspaceId, "--since", since, "--repair"]);
    expect(again.out!.drifts.filter(march)).toEqual([]);
    const audits = await systemSql.query("select actor_name, details from system_audit_logs where action = 'usage.reconcile' order by occurred_at");
    expect(audits.rows[0]).toMatchObject({ actor_name: "ops-bob", details: { repaired: 4 } });
  });

  test("refuses a missing or malformed workspace id", ({ spine }) => {
    expect(spine(["usage", "reconcile"]).status).toBe(2);
    expect(spine(["usage", "reconcile", "--workspace", "nope"]).status).toBe(2);
  });
});
