import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { newId } from "../../shared/ids.ts";
import { assertAccessActive } from "../governance/assert-access-active.ts";
import { consumeUsage } from "../governance/consume-usage.ts";
import { assertUsageAvailable } from "../governance/record-usage.ts";
import { Workspace } from "../identity/entities.ts";
import { AgentRun, AgentThread } from "./entities.ts";
import { DEFAULT_AGENT_RUN_RETENTION, retainUntil, type AgentRunRetentionPolicy } from "./retain-until.ts";

export interface QueueAgentRunInput {
  threadId: string;
  model: string;
  input: Record<string, unknown>;
  retention?: AgentRunRetentionPolicy | undefined;
}

/**
 * Record a run as `queued` in a live thread, with its retention deadline from the workspace's plan
 * tier. Refused while the workspace's access is inactive (ACCESS_INACTIVE); the run is metered
 * (`agent_runs`) in this transaction, so a block limit refuses it before anything is written. A run's
 * tokens are known only at its end, so a `block` policy on `agent_tokens` refuses a new run once the
 * window's tokens already reach the limit (a run in flight may overshoot it by its own usage).
 */
export async function queueAgentRun(op: Operation, input: QueueAgentRunInput): Promise<AgentRun> {
  await assertAccessActive(op);
  const thread = await op.em.findOne(AgentThread, { id: input.threadId });
  if (!thread) throw AppError.notFound("agent thread", input.threadId);
  await assertUsageAvailable(op, { metric: "agent_tokens" });
  await consumeUsage(op, { metric: "agent_runs" });
  const workspace = await op.em.findOneOrFail(Workspace, { id: op.workspaceId }, { failHandler: () => AppError.notFound("workspace", op.workspaceId) });
  const now = new Date();
  const run = op.em.create(AgentRun, {
    id: newId(), workspaceId: op.workspaceId, threadId: thread.id, status: "queued", model: input.model, input: input.input,
    retainUntil: retainUntil(workspace.planTier, input.retention ?? DEFAULT_AGENT_RUN_RETENTION, now),
    createdBy: op.ctx.actorType === "user" ? op.ctx.actorId : null,
  });
  await op.em.flush();
  return run;
}
