import type { Operation } from "../../operation/operation.ts";
import { newId } from "../../shared/ids.ts";
import { redact } from "../../uow/redact.ts";
import type { ActorType } from "../../context/operation-context.ts";

export interface SystemAuditEntry {
  /** What happened, e.g. `user.sign_up`, `session.revoke_all`, `dlq.replay`. */
  action: string;
  targetType: string;
  targetId: string | null;
  /** Overrides the operation's actor (a user signing up is the actor of their own sign-up). */
  actorId?: string | null;
  actorType?: ActorType;
  /** A named actor with no user id: the operator of a CLI command (`--actor` or the OS user). */
  actorName?: string | null;
  /** Counts, filters, outcomes; secrets are redacted. */
  details?: Record<string, unknown>;
}

/**
 * Append one row to the system audit trail (privileged actions outside any workspace), in the
 * operation's transaction: it commits with the action or not at all. Works under any scope; the
 * table has no workspace, and the application role may only insert into it.
 */
export async function recordSystemAudit(op: Operation, entry: SystemAuditEntry): Promise<string> {
  const id = newId();
  await op.em.execute(
    `insert into system_audit_logs (id, actor_id, actor_type, actor_name, action, target_type, target_id, details, correlation_id)
     values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)`,
    [
      id,
      entry.actorId === undefined ? op.ctx.actorId : entry.actorId,
      entry.actorType ?? op.ctx.actorType,
      entry.actorName ?? null,
      entry.action,
      entry.targetType,
      entry.targetId,
      JSON.stringify(redact(entry.details ?? {})),
      op.ctx.correlationId,
    ],
  );
  return id;
}
