import { parseArgs } from "node:util";
import type { Logger } from "@spine/bus";
import { appUrlFrom, Domain, newId, reconcileUsage, recordSystemAudit, systemUrlFrom } from "@spine/domain";
import type { TCliEnv } from "../env.ts";
import { ACTOR_OPTION, operatorName } from "./operator.ts";
import { printJson, UsageError } from "./output.ts";

export const USAGE_RECONCILE_USAGE =
  "usage: spine usage reconcile --workspace <id> [--repair] [--since <iso, default 90 days ago>] [--settle-minutes <n, default 60>] [--actor <operator>]";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `spine usage reconcile`: recount projects, items, documents, agent runs and agent tokens per usage window and
 * compare with the workspace's usage counters. Prints every drift; with `--repair`, sets the
 * counters of settled windows (ended more than `--settle-minutes` ago) to the recount, in one
 * transaction, and records `usage.reconcile` in the system audit trail. Idempotent: run it twice
 * and the second run reports no drift for repaired windows. Exit code 1 when drift remains.
 */
export async function usageReconcile(env: TCliEnv, args: string[], logger: Logger): Promise<void> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { workspace: { type: "string" }, repair: { type: "boolean" }, since: { type: "string" }, "settle-minutes": { type: "string" }, ...ACTOR_OPTION },
  });
  const workspaceId = values.workspace?.toLowerCase();
  if (positionals.length > 0 || !workspaceId || !UUID.test(workspaceId)) throw new UsageError(USAGE_RECONCILE_USAGE);
  const since = values.since === undefined ? new Date(Date.now() - 90 * 86_400_000) : new Date(values.since);
  if (Number.isNaN(since.getTime()) || since.getUTCFullYear() < 1900 || since.getUTCFullYear() > 9999) throw new UsageError(`--since must be an ISO date\n${USAGE_RECONCILE_USAGE}`);
  const settleMinutes = values["settle-minutes"] === undefined ? 60 : Number(values["settle-minutes"]);
  if (!Number.isInteger(settleMinutes) || settleMinutes < 0) throw new UsageError(`--settle-minutes must be a whole number\n${USAGE_RECONCILE_USAGE}`);
  if (!env.DATABASE_URL) throw new UsageError("DATABASE_URL is required for this command");
  const operator = operatorName(values.actor);
  const repair = values.repair ?? false;
  const correlationId = `cli-usage-reconcile-${newId()}`;

  const domain = await Domain.create({ clientUrl: appUrlFrom(env.DATABASE_URL), systemUrl: systemUrlFrom(env.DATABASE_URL), poolMax: 1 });
  try {
    const drifts = await domain.runSystem({ workspaceId, actorId: null, actorType: "system", correlationId }, async (op) => {
      const found = await reconcileUsage(op, { since, settledBefore: new Date(Date.now() - settleMinutes * 60_000), repair });
      if (repair) {
        await recordSystemAudit(op, {
          action: "usage.reconcile", targetType: "workspace", targetId: workspaceId, actorName: operator,
          details: { drifts: found.length, repaired: found.filter((d) => d.repaired).length },
        });
      }
      return found;
    });
    const remaining = drifts.filter((d) => !d.repaired).length;
    logger.info({ correlation_id: correlationId, workspace_id: workspaceId, drifts: drifts.length, remaining }, "usage reconciled");
    printJson({
      workspace_id: workspaceId, repair, correlation_id: correlationId,
      drifts: drifts.map((d) => ({ metric: d.metric, window: d.window, window_start: d.windowStart.toISOString(), counted: d.counted, actual: d.actual, repaired: d.repaired })),
    });
    if (remaining > 0) process.exitCode = 1;
  } finally {
    await domain.close();
  }
}
