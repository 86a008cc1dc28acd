import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import type { AgentRun } from "./entities.ts";
import { findAgentRun } from "./find-agent-run.ts";
import { ToolCall } from "./entities.ts";
import { recordRunTokens, type AgentRunTokens } from "./record-run-tokens.ts";

/**
 * running → completed with its output, and `agent.run.completed`. The tokens the model reported are
 * stored on the run and counted into `agent_tokens` in this transaction (see `recordRunTokens`).
 */
export async function completeAgentRun(op: Operation, runId: string, output: Record<string, unknown>, tokens?: AgentRunTokens): Promise<AgentRun> {
  const run = await findAgentRun(op, runId, { forUpdate: true });
  if (run.status !== "running") throw AppError.precondition(`agent run ${runId} is ${run.status}, not running`);
  const toolCallCount = await op.em.count(ToolCall, { runId: run.id });
  run.status = "completed";
  run.output = output;
  run.completedAt = new Date();
  const total = await recordRunTokens(op, run, tokens);
  op.emit("agent.run.completed", { run_id: run.id, thread_id: run.threadId, tool_call_count: toolCallCount, tokens: total });
  await op.em.flush();
  return run;
}
