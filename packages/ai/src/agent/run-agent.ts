import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import type { TAgentStreamStep } from "@spine/contracts";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { countTokensApproximately, createAgent, modelCallLimitMiddleware, trimMessages } from "langchain";
import {
  addLateAgentRunTokens, AppError, completeAgentRun, failAgentRun, listThreadTurns, queueAgentRun, startAgentRun,
  type AgentRunRetentionPolicy, type AgentRunTokens, type Domain, type OperationContext,
} from "@spine/domain";
import { chatModelName } from "../models/chat-model-name.ts";
import { AgentRunError } from "./agent-run-error.ts";
import { runStillActiveMiddleware } from "./run-still-active-middleware.ts";
import { tokenUsageMiddleware } from "./token-usage-middleware.ts";
import { toolRecorderMiddleware, type ToolCallCounter } from "./tool-recorder-middleware.ts";

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
  /**
   * How much of the thread's earlier conversation the model receives, in (approximate) tokens; the
   * newest turns are kept. Default 2000; 0 sends none.
   */
  historyTokenBudget?: number;
  /** The run fails with "timed out after N ms" when it takes longer (default 120 000). */
  timeoutMs?: number;
  /** Called once the run is queued (committed), before it starts: lets a caller answer with the run id at once. */
  onQueued?: (runId: string) => void;
  /**
   * Live steps: the model's tokens as they stream, each tool call once its row commits and its end,
   * and `end` once the run's final state commits. With it the agent is streamed, not invoked. A
   * throwing listener is ignored: streaming never fails a run.
   */
  onStep?: (step: TAgentStreamStep) => void;
}

/** The thread's earlier turns as chat messages, newest kept within the budget (whole turns only). */
async function threadHistory(domain: Domain, ctx: OperationContext, threadId: string, budget: number): Promise<BaseMessage[]> {
  if (budget <= 0) return [];
  const turns = await domain.run(ctx, (op) => listThreadTurns(op, threadId));
  const messages = turns.flatMap((t) => [new HumanMessage(t.input), new AIMessage(t.answer)]);
  if (messages.length === 0) return [];
  const kept = await trimMessages(messages, { maxTokens: budget, strategy: "last", tokenCounter: countTokensApproximately, startOn: "human", endOn: "ai" });
  return kept;
}

export type AgentRunResult =
  | { runId: string; status: "completed"; answer: string; toolCallCount: number; tokens: AgentRunTokens }
  | { runId: string; status: "failed"; error: string; toolCallCount: number; tokens: AgentRunTokens };

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : "unknown error";
}

/**
 * Fail the run with the tokens it spent; one already ended (cancelled, or failed by the abandoned-run
 * sweep) stays as it is, but the tokens spent meanwhile are still added to it and counted.
 */
async function failUnlessFinal(domain: Domain, ctx: OperationContext, runId: string, error: string, tokens: AgentRunTokens): Promise<void> {
  try {
    await domain.run(ctx, (op) => failAgentRun(op, runId, error, tokens));
  } catch (err) {
    if (!(AppError.isAppError(err) && err.code === "PRECONDITION_FAILED")) throw err;
    await domain.run(ctx, (op) => addLateAgentRunTokens(op, runId, tokens));
  }
}

/** The answer: the text of the last message, which the agent ends on (an AI message without tool calls). */
function answerOf(messages: readonly BaseMessage[]): string {
  const last = messages.at(-1);
  if (!last || last.type !== "ai") throw new AgentRunError("the agent ended without an answer");
  return last.text;
}

/**
 * Run an agent turn with the `langchain` agent runtime (`createAgent`) and record it: agent_runs goes
 * queued → running → completed | failed and every tool call gets a tool_calls row, written by the
 * tool-recorder middleware around the tool's execution. Each state change commits in its own short
 * transaction with its event (agent.run.started, agent.tool.called, agent.run.completed |
 * agent.run.failed), so a crash mid-run leaves a visible `running` run, never silence. A model or
 * tool failure fails the run and is returned, not thrown; only a database failure while recording is thrown.
 */
export async function runAgent(domain: Domain, ctx: OperationContext, input: RunAgentInput): Promise<AgentRunResult> {
  // Read before this run is queued, so the history holds earlier runs only.
  const history = await threadHistory(domain, ctx, input.threadId, input.historyTokenBudget ?? 2000);
  const queued = await domain.run(ctx, (op) =>
    queueAgentRun(op, { threadId: input.threadId, model: chatModelName(input.model), input: { text: input.input }, retention: input.retention }),
  );
  const runId = queued.id;
  const counter: ToolCallCounter = { count: 0 };
  const tokens: AgentRunTokens = { input: 0, output: 0 };
  const listener = input.onStep;
  const tell = (step: TAgentStreamStep) => {
    try {
      listener?.(step);
    } catch {
      // A live view is best effort; the run's record is what counts.
    }
  };
  input.onQueued?.(runId);
  try {
    await domain.run(ctx, (op) => startAgentRun(op, runId));
    if (input.tools.length > 0 && !input.model.bindTools) throw new AgentRunError(`model ${chatModelName(input.model)} cannot call tools`);
    const maxSteps = input.maxSteps ?? 6;
    const agent = createAgent({
      model: input.model,
      tools: [...input.tools],
      ...(input.systemPrompt ? { systemPrompt: input.systemPrompt } : {}),
      middleware: [
        runStillActiveMiddleware({ domain, ctx, runId }),
        toolRecorderMiddleware({ domain, ctx, runId, counter, onStep: tell }),
        tokenUsageMiddleware(tokens),
        modelCallLimitMiddleware({ runLimit: maxSteps, exitBehavior: "error" }),
      ],
    });
    const timeoutMs = input.timeoutMs ?? 120_000;
    const signal = AbortSignal.timeout(timeoutMs);
    const messages = [...history, new HumanMessage(input.input)];
    // Graph steps per model call: middleware nodes, the model, the tools. The model-call limit is the one that binds.
    const config = { signal, recursionLimit: maxSteps * 8 + 10 };
    const run = async (): Promise<BaseMessage[]> => {
      if (!listener) return (await agent.invoke({ messages }, config)).messages;
      let final: BaseMessage[] = [];
      const stream = await agent.stream({ messages }, { ...config, streamMode: ["messages", "values"] });
      for await (const [mode, payload] of stream as AsyncIterable<[string, unknown]>) {
        if (mode === "values") {
          final = (payload as { messages: BaseMessage[] }).messages;
        } else if (mode === "messages") {
          const [chunk] = payload as [BaseMessage, unknown];
          if (AIMessageChunk.isInstance(chunk) && chunk.text.length > 0) tell({ kind: "token", data: { text: chunk.text } });
        }
      }
      return final;
    };
    const final = await run().catch((err: unknown) => {
      throw signal.aborted ? new AgentRunError(`timed out after ${timeoutMs} ms`, { cause: err }) : err;
    });
    const answer = answerOf(final);
    await domain.run(ctx, (op) => completeAgentRun(op, runId, { answer }, tokens));
    tell({ kind: "end", data: { status: "completed", answer, error: null } });
    return { runId, status: "completed", answer, toolCallCount: counter.count, tokens };
  } catch (err) {
    const error = errorMessage(err);
    await failUnlessFinal(domain, ctx, runId, error, tokens);
    tell({ kind: "end", data: { status: "failed", answer: null, error } });
    return { runId, status: "failed", error, toolCallCount: counter.count, tokens };
  }
}
