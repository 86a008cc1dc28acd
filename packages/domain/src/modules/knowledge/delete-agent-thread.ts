import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { AgentThread } from "./entities.ts";

/** Soft-delete an agent thread (audited by the unit of work); its runs stay until purged. */
export async function deleteAgentThread(op: Operation, threadId: string): Promise<AgentThread> {
  const thread = await op.em.findOne(AgentThread, { id: threadId });
  if (!thread) throw AppError.notFound("agent thread", threadId);
  op.em.remove(thread);
  await op.em.flush();
  return thread;
}
