import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { newId } from "../../shared/ids.ts";
import { consumeUsage } from "../governance/consume-usage.ts";
import { ToolCall } from "./entities.ts";
import { findAgentRun } from "./find-agent-run.ts";

export interface RecordToolCallInput {
  runId: string;
  ordinal: number;
  toolName: string;
  input: Record<string, unknown>;
}

/**
 * A running run calls a tool: the call is recorded as `running`, with `agent.tool.called`, and counts
 * one `agent_tool_calls` (where a policy exists; the metering consumer counts the rest from the event).
 * A `block` policy that is used up refuses the call with USAGE_LIMIT_REACHED and nothing is recorded.
 */
export async function recordToolCall(op: Operation, input: RecordToolCallInput): Promise<ToolCall> {
  const run = await findAgentRun(op, input.runId, { forUpdate: true });
  if (run.status !== "running") throw AppError.precondition(`agent run ${run.id} is ${run.status}, not running`);
  await consumeUsage(op, { metric: "agent_tool_calls" });
  const call = op.em.create(ToolCall, {
    id: newId(), workspaceId: op.workspaceId, runId: run.id, ordinal: input.ordinal, toolName: input.toolName,
    input: input.input, status: "running",
  });
  op.emit("agent.tool.called", { run_id: run.id, tool_call_id: call.id, tool_name: call.toolName });
  await op.em.flush();
  return call;
}
