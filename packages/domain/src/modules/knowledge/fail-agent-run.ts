import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import type { AgentRun } from "./entities.ts";
import { findAgentRun } from "./find-agent-run.ts";
import { recordRunTokens, type AgentRunTokens } from "./record-run-tokens.ts";

const MAX_ERROR_LENGTH = 2000;

/**
 * queued or running → failed with its error, and `agent.run.failed`. Tokens the model reported before
 * the failure were spent all the same: stored and counted like a completed run's.
 */
export async function failAgentRun(op: Operation, runId: string, error: string, tokens?: AgentRunTokens): Promise<AgentRun> {
  const run = await findAgentRun(op, runId, { forUpdate: true });
  if (run.status !== "running" && run.status !== "queued") throw AppError.precondition(`agent run ${runId} is already ${run.status}`);
  const message = error.slice(0, MAX_ERROR_LENGTH);
  run.status = "failed";
  run.error = message;
  run.completedAt = new Date();
  const total = await recordRunTokens(op, run, tokens);
  op.emit("agent.run.failed", { run_id: run.id, thread_id: run.threadId, error: message, tokens: total });
  await op.em.flush();
  return run;
}
