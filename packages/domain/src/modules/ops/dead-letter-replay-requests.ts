import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import type { DeadLetterRow } from "./dead-letter.ts";

/**
 * Ask for a replay of one dead letter of the operation's workspace (RLS hides every other one):
 * NOT_FOUND when there is no such dead letter, PRECONDITION_FAILED once it was replayed. The worker
 * replays it (`claimRequestedDeadLetterReplays`). Audited (`dead_letter.replay_requested`); `via` names
 * an authority other than membership (`platform_operator`) in the audit row.
 */
export async function requestDeadLetterReplay(op: Operation, id: string, options: { via?: "platform_operator" } = {}): Promise<DeadLetterRow> {
  const rows = await op.em.execute<DeadLetterRow[]>(
    `update dead_letter_jobs set replay_requested_at = coalesce(replay_requested_at, now()), replay_requested_by = coalesce(replay_requested_by, ?)
     where id = ? and workspace_id = ? and status = 'dead' returning *`,
    [op.ctx.actorType === "user" ? op.ctx.actorId : null, id, op.workspaceId],
  );
  const row = rows[0];
  if (row) {
    op.audit({ action: "dead_letter.replay_requested", targetType: "dead_letter_job", targetId: row.id, changes: { after: { handler: row.handler, event_type: row.event_type, ...(options.via ? { via: options.via } : {}) } } });
    return row;
  }
  const existing = await op.em.execute<{ status: string }[]>("select status from dead_letter_jobs where id = ? and workspace_id = ?", [id, op.workspaceId]);
  if (existing.length === 0) throw AppError.notFound("dead letter", id);
  throw AppError.precondition(`dead letter ${id} was already replayed`);
}

/** One dead letter of the operation's workspace (NOT_FOUND otherwise). */
export async function getDeadLetter(op: Operation, id: string): Promise<DeadLetterRow> {
  const rows = await op.em.execute<DeadLetterRow[]>("select * from dead_letter_jobs where id = ? and workspace_id = ?", [id, op.workspaceId]);
  const row = rows[0];
  if (!row) throw AppError.notFound("dead letter", id);
  return row;
}

/**
 * Take up to `limit` requested replays, oldest request first (system operation): the request is
 * cleared in the same statement, so two workers never both take one; the replay itself locks the row.
 */
export async function claimRequestedDeadLetterReplays(op: Operation, limit = 20): Promise<string[]> {
  const rows = await op.em.execute<{ id: string }[]>(
    `update dead_letter_jobs set replay_requested_at = null where id in (
       select id from dead_letter_jobs where replay_requested_at is not null and status = 'dead'
       order by replay_requested_at, id limit ? for update skip locked)
     returning id`,
    [limit],
  );
  return rows.map((r) => r.id);
}
