import { ToolMessage } from "@langchain/core/messages";
import { createMiddleware, ToolInvocationError } from "langchain";
import { ToolInputParsingException } from "@langchain/core/tools";
import { AppError, finishToolCall, recordToolCall, type Domain, type OperationContext } from "@spine/domain";
import type { TAgentStreamStep } from "@spine/contracts";
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
  /** Told of each call once its row commits, and of its end. */
  onStep?: (step: TAgentStreamStep) => void;
}

/** Domain answers a model can act on: its input was wrong, or the caller may not do this. */
const REFUSALS = new Set(["BAD_REQUEST", "NOT_FOUND", "FORBIDDEN", "CONFLICT", "PRECONDITION_FAILED", "PAYLOAD_TOO_LARGE", "USAGE_LIMIT_REACHED", "ACCESS_INACTIVE"]);

/** A bad tool call (invalid arguments, or refused by the domain) as the error the model is told; null for a real failure. */
function refusalOf(err: unknown): { code: string; message: string; issues?: unknown } | null {
  // The agent runtime wraps a tool's own error (invalid arguments among them) with the call it came from.
  if (ToolInvocationError.isInstance(err)) return refusalOf(err.toolError);
  if (err instanceof ToolInputParsingException) return { code: "BAD_REQUEST", message: err.message };
  if (AppError.isAppError(err) && REFUSALS.has(err.code)) return { code: err.code, message: err.message, ...(err.issues.length ? { issues: err.issues } : {}) };
  return null;
}

function textOf(result: unknown): string {
  if (ToolMessage.isInstance(result)) return result.text;
  return typeof result === "string" ? result : JSON.stringify(result);
}

/**
 * Agent middleware that records every tool call the model makes: a tool_calls row (with
 * `agent.tool.called`) committed before the tool runs, finished with its output or error after.
 * A bad call — arguments the tool's schema refuses, or a domain refusal (not found, forbidden,
 * inactive access, a usage limit) — is recorded as failed and answered to the model as an error
 * message, so it can correct itself; it changes nothing. Any other failure, and an unknown tool,
 * fails the run.
 */
export function toolRecorderMiddleware(options: ToolRecorderOptions) {
  const { domain, ctx, runId, counter } = options;
  const tell = options.onStep ?? (() => undefined);
  return createMiddleware({
    name: "SpineToolRecorder",
    wrapToolCall: async (request, handler) => {
      const call = request.toolCall;
      counter.count += 1;
      const ordinal = counter.count;
      const row = await domain.run(ctx, (op) => recordToolCall(op, { runId, ordinal, toolName: call.name, input: call.args }));
      tell({ kind: "tool_call", data: { ordinal, name: call.name, input: call.args } });
      let result: Awaited<ReturnType<typeof handler>>;
      try {
        if (!request.tool) throw new AgentRunError(`the model called an unknown tool "${call.name}"`);
        result = await handler(request);
        if (ToolMessage.isInstance(result) && result.status === "error") throw new Error(result.text);
      } catch (err) {
        const error = err instanceof Error ? err.message : "tool failed";
        await domain.run(ctx, (op) => finishToolCall(op, row.id, { status: "failed", error }));
        tell({ kind: "tool_result", data: { ordinal, name: call.name, status: "failed", error } });
        const refusal = refusalOf(err);
        if (refusal) return new ToolMessage({ content: JSON.stringify({ error: refusal }), tool_call_id: call.id ?? row.id, name: call.name, status: "error" });
        throw err instanceof AgentRunError ? err : new AgentRunError(`tool ${call.name} failed: ${error}`, { cause: err });
      }
      await domain.run(ctx, (op) => finishToolCall(op, row.id, { status: "completed", output: { content: textOf(result) } }));
      tell({ kind: "tool_result", data: { ordinal, name: call.name, status: "completed", error: null } });
      return result;
    },
  });
}
