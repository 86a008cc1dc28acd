import type { Tx } from "./pg-tx-runner.ts";

export type AuditChainProblemKind = "edited" | "deleted" | "reordered" | "unchained";

/** The first break found in one chain. */
export interface AuditChainProblem {
  /** `ws:<workspace_id>` or `system`. */
  chain: string;
  kind: AuditChainProblemKind;
  /** The first row that does not verify (for rows deleted at the end of a chain: the last row left, or null). */
  rowId: string | null;
  /** That row's position in the chain (or the first missing position). */
  seq: number | null;
  detail: string;
}

export interface AuditChainReport {
  chains: number;
  rows: number;
  problems: AuditChainProblem[];
}

interface ChainRow {
  id: string;
  chain_seq: string | null;
  prev_hash: string | null;
  row_hash: string | null;
  expected: string;
}

const BATCH = 5000;

/** The two trails: which table, which column holds the chain's workspace, which function hashes a row. */
const TRAILS = {
  workspace: { table: "audit_logs", hash: "spine_audit_log_hash" },
  system: { table: "system_audit_logs", hash: "spine_system_audit_log_hash" },
} as const;

async function verifyChain(tx: Tx, chain: string, workspaceId: string | null): Promise<{ rows: number; problem: AuditChainProblem | null }> {
  const trail = workspaceId === null ? TRAILS.system : TRAILS.workspace;
  const scope = workspaceId === null ? "true" : "a.workspace_id = $1";
  const head = (await tx.query<{ seq: string; hash: string }>("select seq::text as seq, hash from audit_chain_heads where chain = $1", [chain])).rows[0];
  const problem = (kind: AuditChainProblemKind, rowId: string | null, seq: number | null, detail: string) => ({ chain, kind, rowId, seq, detail });

  let expectedSeq = 1;
  let prevHash = "";
  let lastId: string | null = null;
  let rows = 0;
  let after = 0;
  for (;;) {
    // Keyset pages in chain order; rows a trigger never chained (chain_seq null) come last.
    const params: unknown[] = workspaceId === null ? [] : [workspaceId];
    params.push(after);
    const page = await tx.query<ChainRow>(
      `select a.id, a.chain_seq::text as chain_seq, a.prev_hash, a.row_hash, ${trail.hash}(a) as expected
         from ${trail.table} a where ${scope} and (a.chain_seq > $${params.length} or a.chain_seq is null)
         order by a.chain_seq nulls last, a.id limit ${BATCH}`,
      params,
    );
    for (const row of page.rows) {
      rows += 1;
      if (row.chain_seq === null) return { rows, problem: problem("unchained", row.id, null, "row carries no chain position (inserted around the chain trigger)") };
      const seq = Number(row.chain_seq);
      if (seq > expectedSeq) {
        return { rows, problem: problem("deleted", row.id, expectedSeq, `rows ${expectedSeq}..${seq - 1} are missing before this row (deleted)`) };
      }
      if (seq < expectedSeq) return { rows, problem: problem("reordered", row.id, seq, `position ${seq} appears twice or out of order`) };
      if (row.row_hash !== row.expected) return { rows, problem: problem("edited", row.id, seq, "content does not match its hash (edited)") };
      if ((row.prev_hash ?? "") !== prevHash) {
        return { rows, problem: problem("reordered", row.id, seq, "not linked to the row before it (moved, replaced or rewritten)") };
      }
      expectedSeq = seq + 1;
      prevHash = row.row_hash;
      lastId = row.id;
      after = seq;
    }
    if (page.rows.length < BATCH) break;
  }
  const lastSeq = expectedSeq - 1;
  if (!head) return { rows, problem: lastSeq > 0 ? problem("edited", lastId, lastSeq, "the chain's head record is missing") : null };
  const headSeq = Number(head.seq);
  if (headSeq > lastSeq) return { rows, problem: problem("deleted", lastId, lastSeq + 1, `rows ${lastSeq + 1}..${headSeq} are missing at the end of the chain (deleted)`) };
  if (headSeq < lastSeq || head.hash !== prevHash) return { rows, problem: problem("edited", lastId, lastSeq, "the last row does not match the chain's head") };
  return { rows, problem: null };
}

/**
 * Walk the audit hash chains (as the system role): each workspace's `audit_logs` chain — or only
 * `workspaceId`'s — and, without a workspace, the `system_audit_logs` chain. Every row's hash is
 * recomputed by the same database function the insert trigger uses; the first edited, deleted or
 * reordered row of each chain is reported.
 */
export async function verifyAuditChains(tx: Tx, scope: { workspaceId?: string } = {}): Promise<AuditChainReport> {
  const workspaceIds = scope.workspaceId
    ? [scope.workspaceId.toLowerCase()]
    : (
        await tx.query<{ workspace_id: string }>(
          `select workspace_id::text as workspace_id from audit_logs group by workspace_id
           union select substr(chain, 4) from audit_chain_heads where chain like 'ws:%' order by 1`,
        )
      ).rows.map((r) => r.workspace_id);
  const report: AuditChainReport = { chains: 0, rows: 0, problems: [] };
  const chains: [string, string | null][] = workspaceIds.map((id) => [`ws:${id}`, id]);
  if (!scope.workspaceId) chains.push(["system", null]);
  for (const [chain, workspaceId] of chains) {
    const result = await verifyChain(tx, chain, workspaceId);
    report.chains += 1;
    report.rows += result.rows;
    if (result.problem) report.problems.push(result.problem);
  }
  return report;
}
