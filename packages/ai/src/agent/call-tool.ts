import { ToolMessage } from "@langchain/core/messages";
import type { ToolCall } from "@langchain/core/messages/tool";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { finishToolCall, recordToolCall, type Domain, type OperationContext } from "@spine/domain";
import { AgentRunError } from "./agent-run-error.ts";

export interface CallToolInput {
  runId: string;
  ordinal: number;
  call: ToolCall;
  tool: StructuredToolInterface | undefined;
}

function textOf(result: unknown): string {
  if (ToolMessage.isInstance(result)) return result.text;
  return typeof result === "string" ? result : JSON.stringify(result);
}

/**
 * Run one tool call the model asked for, recorded as a tool_calls row (with `agent.tool.called`)
 * before it runs and finished with its output or error after. A failing or unknown tool fails the run.
 */
export async function callTool(domain: Domain, ctx: OperationContext, input: CallToolInput): Promise<ToolMessage> {
  const { call, tool } = input;
  const row = await domain.run(ctx, (op) =>
    recordToolCall(op, { runId: input.runId, ordinal: input.ordinal, toolName: call.name, input: call.args }),
  );
  const toolCallId = call.id ?? row.id;
  let content: string;
  try {
    if (!tool) throw new AgentRunError(`the model called an unknown tool "${call.name}"`);
    content = textOf(await tool.invoke({ ...call, id: toolCallId, type: "tool_call" }));
  } catch (err) {
    const error = err instanceof Error ? err.message : "tool failed";
    await domain.run(ctx, (op) => finishToolCall(op, row.id, { status: "failed", error }));
    throw new AgentRunError(`tool ${call.name} failed: ${error}`, { cause: err });
  }
  await domain.run(ctx, (op) => finishToolCall(op, row.id, { status: "completed", output: { content } }));
  return new ToolMessage({ content, tool_call_id: toolCallId, name: call.name });
}
