import type { Operation } from "../../context/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import type { AgentRun } from "./entities.ts";
import { findAgentRun } from "./find-agent-run.ts";

const MAX_ERROR_LENGTH = 2000;

/** queued or running → failed with its error, and `agent.run.failed`. */
export async function failAgentRun(op: Operation, runId: string, error: string): Promise<AgentRun> {
  const run = await findAgentRun(op, runId, { forUpdate: true });
  if (run.status !== "running" && run.status !== "queued") throw AppError.precondition(`agent run ${runId} is already ${run.status}`);
  const message = error.slice(0, MAX_ERROR_LENGTH);
  run.status = "failed";
  run.error = message;
  run.completedAt = new Date();
  op.emit("agent.run.failed", { run_id: run.id, thread_id: run.threadId, error: message });
  await op.em.flush();
  return run;
}
