import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { recordUsage } from "../governance/record-usage.ts";
import type { AgentRun } from "./entities.ts";
import { findAgentRun } from "./find-agent-run.ts";

/** Tokens a run's model calls reported (prompt and completion), as the model's usage metadata gives them. */
export interface AgentRunTokens {
  input: number;
  output: number;
}

const MAX_TOKENS = 2_000_000_000;

function checked(value: number, path: string): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_TOKENS) throw AppError.badRequest(`${path} must be a non-negative integer`, [{ path, message: "non-negative integer" }]);
  return value;
}

/**
 * Store the run's tokens on its row and count their sum into `agent_tokens` for every window with a
 * policy on it, at the run's end (`recordUsage`: a spent amount is never refused, and the transaction
 * that crosses a limit announces it). Windows without a policy are counted by the metering consumer
 * from the run's event, which carries the same sum. Returns the sum.
 */
export async function recordRunTokens(op: Operation, run: AgentRun, tokens: AgentRunTokens | undefined): Promise<number> {
  const input = checked(tokens?.input ?? 0, "tokens.input");
  const output = checked(tokens?.output ?? 0, "tokens.output");
  run.inputTokens = input;
  run.outputTokens = output;
  const total = input + output;
  await recordUsage(op, { metric: "agent_tokens", amount: total, at: run.completedAt ?? new Date() });
  return total;
}

/**
 * Tokens a run spent after it had already ended (cancelled by the caller, or failed as abandoned,
 * while its process was still waiting for the model): added to the run's row and counted into
 * `agent_tokens` in every window at once (no event meters them), so cancelling a run never hides
 * its usage. Returns the run.
 */
export async function addLateAgentRunTokens(op: Operation, runId: string, tokens: AgentRunTokens): Promise<AgentRun> {
  const input = checked(tokens.input, "tokens.input");
  const output = checked(tokens.output, "tokens.output");
  const run = await findAgentRun(op, runId, { forUpdate: true });
  if (input + output === 0) return run;
  if (run.status !== "completed" && run.status !== "failed") throw AppError.precondition(`agent run ${runId} is ${run.status}, not ended`);
  run.inputTokens += input;
  run.outputTokens += output;
  await recordUsage(op, { metric: "agent_tokens", amount: input + output, everyWindow: true });
  await op.em.flush();
  return run;
}
