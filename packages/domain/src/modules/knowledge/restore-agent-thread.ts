import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { NOT_DELETED_FILTER } from "../../shared/common-props.ts";
import { AgentThread } from "./entities.ts";

/** Undo an agent thread's soft delete (audited by the unit of work). */
export async function restoreAgentThread(op: Operation, threadId: string): Promise<AgentThread> {
  const thread = await op.em.findOne(AgentThread, { id: threadId }, { filters: { [NOT_DELETED_FILTER]: false } });
  if (!thread) throw AppError.notFound("agent thread", threadId);
  if (!thread.deletedAt) throw AppError.precondition("agent thread is not deleted");
  thread.deletedAt = null;
  await op.em.flush();
  return thread;
}
