import { parseArgs } from "node:util";
import type { Logger } from "@spine/bus";
import { AppError, appUrlFrom, Domain, newId, purgeRecord, recordSystemAudit, type PurgeTarget } from "@spine/domain";
import type { TCliEnv } from "../env.ts";
import { canonicalId, isUuid } from "./ids.ts";
import { ACTOR_OPTION, operatorName } from "./operator.ts";
import { printJson, UsageError } from "./output.ts";

// A Record so a purge target added to the domain fails typechecking here until the CLI lists it.
const TARGETS: Readonly<Record<PurgeTarget, true>> = { project: true, item: true, document: true, agent_thread: true, integration: true };
export const PURGE_USAGE = `usage: spine purge <${Object.keys(TARGETS).join("|")}> <id> --workspace <workspace id> [--correlation-id <id>] [--actor <operator>]`;

function isPurgeTarget(value: string): value is PurgeTarget {
  return Object.hasOwn(TARGETS, value);
}

/**
 * `spine purge <entity> <id> --workspace <ws>`: the audited compliance hard delete (`purgeRecord`),
 * as a system actor with a correlation id, inside the workspace (row-level security applies).
 * Prints `{ target, id, deleted, workspace_id, correlation_id }`.
 */
export async function purge(env: TCliEnv, args: string[], logger: Logger): Promise<void> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, options: { workspace: { type: "string" }, "correlation-id": { type: "string" }, ...ACTOR_OPTION },
  });
  const [entity, rawId, ...extra] = positionals;
  if (!entity || !rawId || !values.workspace || extra.length > 0) throw new UsageError(PURGE_USAGE);
  // Canonical ids: the audit rows, the printed result and the RLS setting carry the lower-case form.
  const id = canonicalId(rawId);
  const workspaceId = canonicalId(values.workspace);
  if (!isPurgeTarget(entity)) throw new UsageError(`unknown entity "${entity}"\n${PURGE_USAGE}`);
  if (!isUuid(id) || !isUuid(workspaceId)) throw new UsageError(`<id> and --workspace must be UUIDs\n${PURGE_USAGE}`);
  if (!env.DATABASE_URL) throw new UsageError("DATABASE_URL is required for this command");
  const operator = operatorName(values.actor);
  const correlationId = values["correlation-id"] ?? `cli-purge-${newId()}`;
  const ctx = { workspaceId, actorId: null, actorType: "system" as const, correlationId };

  const domain = await Domain.create({ clientUrl: appUrlFrom(env.DATABASE_URL), poolMax: 1 });
  try {
    const result = await domain.run(ctx, async (op) => {
      const purged = await purgeRecord(op, entity, id);
      await recordSystemAudit(op, {
        action: "record.purge", targetType: entity, targetId: id, actorName: operator, details: { workspace_id: workspaceId },
      });
      return purged;
    });
    logger.info({ correlation_id: correlationId, workspace_id: workspaceId, target: entity, id, deleted: result.deleted }, "record purged");
    printJson({ ...result, workspace_id: workspaceId, correlation_id: correlationId });
  } catch (err) {
    if (!(AppError.isAppError(err) && err.code === "NOT_FOUND")) throw err;
    process.stderr.write(`not found: ${entity} ${id} in workspace ${workspaceId}\n`);
    process.exitCode = 1;
  } finally {
    await domain.close();
  }
}
