import { ToolMessage } from "@langchain/core/messages";
import { createMiddleware } from "langchain";
import { finishToolCall, recordToolCall, type Domain, type OperationContext } from "@spine/domain";
import { AgentRunError } from "./agent-run-error.ts";

export interface ToolCallCounter {
  count: number;
}

export interface ToolRecorderOptions {
  domain: Domain;
  ctx: OperationContext;
  runId: string;
  /** Shared with the caller: tool calls so far, which is also the next call's ordinal minus one. */
  counter: ToolCallCounter;
}

function textOf(result: unknown): string {
  if (ToolMessage.isInstance(result)) return result.text;
  return typeof result === "string" ? result : JSON.stringify(result);
}

/**
 * Agent middleware that records every tool call the model makes: a tool_calls row (with
 * `agent.tool.called`) committed before the tool runs, finished with its output or error after.
 * A failing or unknown tool fails the run.
 */
export function toolRecorderMiddleware(options: ToolRecorderOptions) {
  const { domain, ctx, runId, counter } = options;
  return createMiddleware({
    name: "SpineToolRecorder",
    wrapToolCall: async (request, handler) => {
      const call = request.toolCall;
      counter.count += 1;
      const row = await domain.run(ctx, (op) => recordToolCall(op, { runId, ordinal: counter.count, toolName: call.name, input: call.args }));
      let result: Awaited<ReturnType<typeof handler>>;
      try {
        if (!request.tool) throw new AgentRunError(`the model called an unknown tool "${call.name}"`);
        result = await handler(request);
        if (ToolMessage.isInstance(result) && result.status === "error") throw new Error(result.text);
      } catch (err) {
        const error = err instanceof Error ? err.message : "tool failed";
        await domain.run(ctx, (op) => finishToolCall(op, row.id, { status: "failed", error }));
        throw err instanceof AgentRunError ? err : new AgentRunError(`tool ${call.name} failed: ${error}`, { cause: err });
      }
      await domain.run(ctx, (op) => finishToolCall(op, row.id, { status: "completed", output: { content: textOf(result) } }));
      return result;
    },
  });
}
