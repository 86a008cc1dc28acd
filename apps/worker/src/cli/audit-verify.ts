import { parseArgs } from "node:util";
import { inTransaction, txOf, verifyAuditChains } from "@spine/domain/reads";
import type { TCliEnv } from "../env.ts";
import { withSystemPool } from "./database.ts";
import { canonicalId, isUuid } from "./ids.ts";
import { printJson, UsageError } from "./output.ts";

export const AUDIT_VERIFY_USAGE = "usage: spine audit verify [--workspace <workspace id>]";

/**
 * `spine audit verify [--workspace <id>]`: walk the audit hash chains (every workspace's and the
 * system trail's, or one workspace's) as the system role and print `{ chains, rows, problems }`;
 * each problem names the chain and the first edited, deleted or reordered row. Exit code 1 when
 * any chain is broken.
 */
export async function auditVerify(env: TCliEnv, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { workspace: { type: "string" } } });
  if (positionals.length > 0) throw new UsageError(AUDIT_VERIFY_USAGE);
  const workspaceId = values.workspace === undefined ? undefined : canonicalId(values.workspace);
  if (workspaceId !== undefined && !isUuid(workspaceId)) throw new UsageError(`--workspace must be a UUID\n${AUDIT_VERIFY_USAGE}`);
  const report = await withSystemPool(env, (pool) =>
    inTransaction(pool, (client) => verifyAuditChains(txOf(client), workspaceId ? { workspaceId } : {}), { readOnly: true }),
  );
  printJson(report);
  for (const p of report.problems) process.stderr.write(`${p.chain}: ${p.kind} at row ${p.rowId ?? "-"} (position ${p.seq ?? "-"}): ${p.detail}\n`);
  if (report.problems.length > 0) process.exitCode = 1;
}
