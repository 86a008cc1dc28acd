import { describe, expect } from "vitest";
import type { Domain } from "../runtime/domain.ts";
import { dbTest } from "../test-support/fixtures.ts";
import pg from "pg";
import { recordSystemAudit } from "../modules/ops/record-system-audit.ts";
import { newId } from "../shared/ids.ts";
import { seedWorkspace, userCtx, type SeededWorkspace } from "../test-support/test-domain.ts";
import { PgTxRunner } from "./pg-tx-runner.ts";
import { verifyAuditChains, type AuditChainReport } from "./verify-audit-chain.ts";

/**
 * Tamper-evident audit: rows are hash-chained per workspace (and on one system chain) by the insert
 * trigger; a superuser who edits, deletes or reorders rows is named by verify; parallel writers
 * still produce one clean chain.
 */
const test = dbTest.extend("systemPool", { scope: "file" }, async ({ db }, { onCleanup }) => {
  const pool = new pg.Pool({ connectionString: db.systemUrl, max: 2 });
  onCleanup(() => pool.end());
  return pool;
});

function verify(systemPool: pg.Pool, workspaceId?: string): Promise<AuditChainReport> {
  // The system scope (BYPASSRLS), as `spine audit verify` runs it.
  return new PgTxRunner({ appPool: systemPool, systemPool }).run(null, (tx) => verifyAuditChains(tx, workspaceId ? { workspaceId } : {}));
}

/** A workspace with `n` audit rows written one operation each; returns their ids in chain order. */
async function auditedWorkspace(domain: Domain, ownerSql: pg.Client, slug: string, n: number): Promise<{ ws: SeededWorkspace; ids: string[] }> {
  const ws = await seedWorkspace(domain, slug);
  for (let i = 0; i < n; i += 1) {
    await domain.run(userCtx(ws.workspaceId, ws.userId), async (op) => {
      op.audit({ action: "test.audited", targetType: "thing", targetId: newId(), changes: { after: { i } } });
    });
  }
  const { rows } = await ownerSql.query<{ id: string }>("select id from audit_logs where workspace_id = $1 order by chain_seq", [ws.workspaceId]);
  return { ws, ids: rows.map((r) => r.id) };
}

describe("audit hash chain", () => {
  test("chains every row in the inserting transaction: positions 1..n, each linked to the one before", async ({ domain, ownerSql, systemPool }) => {
    const { ws } = await auditedWorkspace(domain, ownerSql, "chain-clean", 4);
    const { rows } = await ownerSql.query<{ chain_seq: string; prev_hash: string; row_hash: string }>(
      "select chain_seq::text, prev_hash, row_hash from audit_logs where workspace_id = $1 order by audit_logs.chain_seq", [ws.workspaceId],
    );
    expect(rows.map((r) => Number(r.chain_seq))).toEqual(rows.map((_, i) => i + 1));
    expect(rows[0]?.prev_hash).toBe("");
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.row_hash);
    expect(await verify(systemPool, ws.workspaceId)).toMatchObject({ chains: 1, rows: rows.length, problems: [] });
  });

  test("names a row a superuser edited", async ({ domain, ownerSql, systemPool }) => {
    const { ws, ids } = await auditedWorkspace(domain, ownerSql, "chain-edit", 5);
    await ownerSql.query(`update audit_logs set changes = '{"after":{"i":"forged"}}' where id = $1`, [ids[2]]);
    expect((await verify(systemPool, ws.workspaceId)).problems).toEqual([expect.objectContaining({ chain: `ws:${ws.workspaceId}`, kind: "edited", rowId: ids[2], seq: 3 })]);
  });

  test("names the row after one a superuser deleted, and a deletion at the end of the chain", async ({ domain, ownerSql, systemPool }) => {
    const { ws, ids } = await auditedWorkspace(domain, ownerSql, "chain-delete", 5);
    await ownerSql.query("delete from audit_logs where id = $1", [ids[1]]);
    expect((await verify(systemPool, ws.workspaceId)).problems).toEqual([expect.objectContaining({ kind: "deleted", rowId: ids[2], seq: 2 })]);

    const tail = await auditedWorkspace(domain, ownerSql, "chain-delete-tail", 3);
    const n = tail.ids.length;
    await ownerSql.query("delete from audit_logs where id = $1", [tail.ids[n - 1]]);
    expect((await verify(systemPool, tail.ws.workspaceId)).problems).toEqual([expect.objectContaining({ kind: "deleted", rowId: tail.ids[n - 2], seq: n })]);
  });

  test("names reordered rows: positions swapped, or a row's link rewritten", async ({ domain, ownerSql, systemPool }) => {
    const { ws, ids } = await auditedWorkspace(domain, ownerSql, "chain-reorder", 4);
    await ownerSql.query("update audit_logs set chain_seq = case id when $1 then 3 else 2 end where id in ($1, $2)", [ids[1], ids[2]]);
    const swapped = (await verify(systemPool, ws.workspaceId)).problems;
    expect(swapped).toHaveLength(1);
    expect([ids[1], ids[2]]).toContain(swapped[0]?.rowId);

    const relinked = await auditedWorkspace(domain, ownerSql, "chain-relink", 3);
    // Content and hash untouched, but the row claims another predecessor: its hash no longer verifies.
    await ownerSql.query("update audit_logs set prev_hash = '' where id = $1", [relinked.ids[1]]);
    expect((await verify(systemPool, relinked.ws.workspaceId)).problems).toEqual([expect.objectContaining({ rowId: relinked.ids[1], seq: 2 })]);
  });

  test("the system trail is one chain too: a deleted system row is named", async ({ domain, ownerSql, systemPool }) => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push(await domain.run({ workspaceId: null, actorId: null, actorType: "system", correlationId: `sys-${i}` }, (op) =>
        recordSystemAudit(op, { action: "test.system", targetType: "thing", targetId: `t-${i}`, actorName: "tester" }),
      ));
    }
    const clean = await verify(systemPool);
    expect(clean.problems.filter((p) => p.chain === "system")).toEqual([]);
    await ownerSql.query("delete from system_audit_logs where id = $1", [ids[1]]);
    expect((await verify(systemPool)).problems.filter((p) => p.chain === "system")).toEqual([expect.objectContaining({ kind: "deleted", rowId: ids[2] })]);
  });

  test("parallel writers to one workspace (and to the system trail) produce one clean, gapless chain", async ({ domain, ownerSql, systemPool }) => {
    const ws = await seedWorkspace(domain, "chain-parallel");
    const writers = 8;
    const each = 10;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < each; i += 1) {
          await domain.run(userCtx(ws.workspaceId, ws.userId), async (op) => {
            op.audit({ action: "test.parallel", targetType: "thing", targetId: newId(), changes: { after: { w, i } } });
            op.audit({ action: "test.parallel", targetType: "thing", targetId: newId(), changes: { after: { w, i, second: true } } });
          });
        }
      }),
    );
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < 3; i += 1) {
          await domain.run({ workspaceId: null, actorId: null, actorType: "system", correlationId: `par-${w}-${i}` }, (op) =>
            recordSystemAudit(op, { action: "test.parallel", targetType: "thing", targetId: `${w}-${i}`, actorName: "tester" }),
          );
        }
      }),
    );
    const report = await verify(systemPool, ws.workspaceId);
    expect(report.problems).toEqual([]);
    // The system chain was broken on purpose by the test before; its parallel stretch must be gapless and linked.
    const systemRows = await ownerSql.query<{ n: number; span: number; unlinked: number }>(
      `select count(*)::int as n, (max(chain_seq) - min(chain_seq) + 1)::int as span,
              count(*) filter (where prev_hash is distinct from prev_row and prev_row is not null)::int as unlinked
         from (select chain_seq, prev_hash, action, lag(row_hash) over (order by chain_seq) as prev_row from system_audit_logs) s
        where action = 'test.parallel'`,
    );
    expect(systemRows.rows[0]).toEqual({ n: writers * 3, span: writers * 3, unlinked: 0 });
    const { rows } = await ownerSql.query<{ n: number; max: string }>(
      "select count(*)::int as n, max(chain_seq)::text as max from audit_logs where workspace_id = $1", [ws.workspaceId],
    );
    // Seeding wrote its own audit rows; the parallel ones follow, with no gap and no shared position.
    expect(Number(rows[0]?.max)).toBe(rows[0]?.n);
    expect(rows[0]?.n).toBeGreaterThanOrEqual(writers * each * 2);
  }, 120_000);
});
