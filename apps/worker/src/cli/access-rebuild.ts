import { parseArgs } from "node:util";
import type { Logger } from "@spine/bus";
import { appUrlFrom, Domain, newId, rebuildAccessState, recordSystemAudit, type AccessSnapshot } from "@spine/domain";
import type { TCliEnv } from "../env.ts";
import { ACTOR_OPTION, operatorName } from "./operator.ts";
import { printJson, UsageError } from "./output.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ACCESS_REBUILD_USAGE = "usage: spine access rebuild --workspace <workspace id> [--check] [--actor <operator>]";

const view = (s: AccessSnapshot | null) => s && {
  state: s.state, plan: s.plan, effective_at: s.effectiveAt?.toISOString() ?? null, expires_at: s.expiresAt?.toISOString() ?? null,
  reason: s.reason, last_event_id: s.lastEventId, version: s.version, next_transition_at: s.nextTransitionAt?.toISOString() ?? null,
};

/**
 * `spine access rebuild --workspace <id> [--check]`: fold the workspace's access history (access_events)
 * as of now and compare it with the stored `demo_access_states` row. `--check` writes nothing and
 * exits 1 when they differ; without it a differing row is replaced (audited, and recorded in the
 * system audit trail). Prints `{ workspace_id, equal, written, events, stored, rebuilt }`.
 */
export async function accessRebuild(env: TCliEnv, args: string[], logger: Logger): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { workspace: { type: "string" }, check: { type: "boolean" }, ...ACTOR_OPTION } });
  const workspaceId = values.workspace;
  if (!workspaceId || positionals.length > 0) throw new UsageError(ACCESS_REBUILD_USAGE);
  if (!UUID.test(workspaceId)) throw new UsageError(`--workspace must be a UUID\n${ACCESS_REBUILD_USAGE}`);
  if (!env.DATABASE_URL) throw new UsageError("DATABASE_URL is required for this command");
  const check = values.check ?? false;
  const operator = operatorName(values.actor);
  const correlationId = `cli-access-rebuild-${newId()}`;
  const domain = await Domain.create({ clientUrl: appUrlFrom(env.DATABASE_URL), poolMax: 1 });
  try {
    const result = await domain.run({ workspaceId: workspaceId.toLowerCase(), actorId: null, actorType: "system", correlationId }, async (op) => {
      const rebuilt = await rebuildAccessState(op, { check });
      if (rebuilt.written) {
        await recordSystemAudit(op, {
          action: "access.rebuilt", targetType: "workspace", targetId: op.workspaceId, actorId: null, actorType: "system", actorName: operator,
          details: { version: rebuilt.rebuilt.version },
        });
      }
      return rebuilt;
    });
    logger.info({ correlation_id: correlationId, workspace_id: workspaceId, equal: result.equal, written: result.written }, "access rebuild");
    printJson({ workspace_id: workspaceId, equal: result.equal, written: result.written, events: result.events, stored: view(result.stored), rebuilt: view(result.rebuilt) });
    if (check && !result.equal) process.exitCode = 1;
  } finally {
    await domain.close();
  }
}
