import type { Operation } from "../../operation/operation.ts";
import { newId } from "../../shared/ids.ts";
import { AgentThread } from "./entities.ts";

/** Open a conversation thread that agent runs belong to. */
export async function createAgentThread(op: Operation, input: { title: string }): Promise<AgentThread> {
  const thread = op.em.create(AgentThread, {
    id: newId(), workspaceId: op.workspaceId, title: input.title,
    createdBy: op.ctx.actorType === "user" ? op.ctx.actorId : null,
  });
  await op.em.flush();
  return thread;
}
