import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import type { AgentRun } from "./entities.ts";
import { findAgentRun } from "./find-agent-run.ts";

/** queued → running, with `agent.run.started`. */
export async function startAgentRun(op: Operation, runId: string): Promise<AgentRun> {
  const run = await findAgentRun(op, runId, { forUpdate: true });
  if (run.status !== "queued") throw AppError.precondition(`agent run ${runId} is ${run.status}, not queued`);
  run.status = "running";
  run.startedAt = new Date();
  op.emit("agent.run.started", { run_id: run.id, thread_id: run.threadId, model: run.model });
  await op.em.flush();
  return run;
}
