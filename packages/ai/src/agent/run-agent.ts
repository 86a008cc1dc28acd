import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage, type AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { StructuredToolInterface } from "@langchain/core/tools";
import {
  AppError, completeAgentRun, failAgentRun, queueAgentRun, startAgentRun,
  type AgentRunRetentionPolicy, type Domain, type OperationContext,
} from "@spine/domain";
import { chatModelName } from "../models/chat-model-name.ts";
import { AgentRunError } from "./agent-run-error.ts";
import { callTool } from "./call-tool.ts";

export interface RunAgentInput {
  threadId: string;
  /** The user's message. */
  input: string;
  model: BaseChatModel;
  tools: readonly StructuredToolInterface[];
  systemPrompt?: string;
  /** Most model calls before the run fails (default 6). */
  maxSteps?: number;
  /** Sets agent_runs.retain_until from the workspace's plan tier. */
  retention?: AgentRunRetentionPolicy;
}

export type AgentRunResult =
  | { runId: string; status: "completed"; answer: string; toolCallCount: number }
  | { runId: string; status: "failed"; error: string; toolCallCount: number };

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : "unknown error";
}

/** Fail the run; one already ended (failed by the abandoned-run sweep, say) stays as it is. */
async function failUnlessFinal(domain: Domain, ctx: OperationContext, runId: string, error: string): Promise<void> {
  try {
    await domain.run(ctx, (op) => failAgentRun(op, runId, error));
  } catch (err) {
    if (!(AppError.isAppError(err) && err.code === "PRECONDITION_FAILED")) throw err;
  }
}

interface LoopState {
  messages: BaseMessage[];
  toolCallCount: number;
}

async function loop(domain: Domain, ctx: OperationContext, runId: string, input: RunAgentInput, state: LoopState): Promise<string> {
  if (!input.model.bindTools) throw new AgentRunError(`model ${chatModelName(input.model)} cannot call tools`);
  const model = input.model.bindTools([...input.tools]);
  const tools = new Map(input.tools.map((t) => [t.name, t]));
  const maxSteps = input.maxSteps ?? 6;
  for (let step = 0; step < maxSteps; step++) {
    const reply = (await model.invoke(state.messages)) as AIMessage;
    state.messages.push(reply);
    const calls = reply.tool_calls ?? [];
    if (calls.length === 0) return reply.text;
    for (const call of calls) {
      state.toolCallCount += 1;
      state.messages.push(await callTool(domain, ctx, { runId, ordinal: state.toolCallCount, call, tool: tools.get(call.name) }));
    }
  }
  throw new AgentRunError(`no answer after ${maxSteps} model calls`);
}

/**
 * Run an agent turn and record it: agent_runs goes queued → running → completed | failed and every
 * tool call gets a tool_calls row. Each state change commits in its own short transaction with its
 * event (agent.run.started, agent.tool.called, agent.run.completed | agent.run.failed), so a crash
 * mid-run leaves a visible `running` run, never silence. A model or tool failure fails the run and
 * is returned, not thrown; only a database failure while recording is thrown.
 */
export async function runAgent(domain: Domain, ctx: OperationContext, input: RunAgentInput): Promise<AgentRunResult> {
  const queued = await domain.run(ctx, (op) =>
    queueAgentRun(op, { threadId: input.threadId, model: chatModelName(input.model), input: { text: input.input }, retention: input.retention }),
  );
  const runId = queued.id;
  const state: LoopState = {
    messages: [...(input.systemPrompt ? [new SystemMessage(input.systemPrompt)] : []), new HumanMessage(input.input)],
    toolCallCount: 0,
  };
  try {
    await domain.run(ctx, (op) => startAgentRun(op, runId));
    const answer = await loop(domain, ctx, runId, input, state);
    await domain.run(ctx, (op) => completeAgentRun(op, runId, { answer }));
    return { runId, status: "completed", answer, toolCallCount: state.toolCallCount };
  } catch (err) {
    const error = errorMessage(err);
    await failUnlessFinal(domain, ctx, runId, error);
    return { runId, status: "failed", error, toolCallCount: state.toolCallCount };
  }
}
