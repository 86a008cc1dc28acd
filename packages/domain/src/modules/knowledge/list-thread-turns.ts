import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { AgentRun, AgentThread } from "./entities.ts";

export interface ThreadTurn {
  runId: string;
  /** The user's message. */
  input: string;
  /** The agent's answer. */
  answer: string;
}

/**
 * A thread's conversation so far, oldest first: the user's message and the answer of each completed
 * run (failed and unfinished runs have no answer and are left out). Everything comes from stored
 * runs, so the transcript survives restarts. At most `limit` newest turns (default 50).
 */
export async function listThreadTurns(op: Operation, threadId: string, options: { limit?: number } = {}): Promise<ThreadTurn[]> {
  const thread = await op.em.findOne(AgentThread, { id: threadId });
  if (!thread) throw AppError.notFound("agent thread", threadId);
  const runs = await op.em.find(AgentRun, { threadId: thread.id, status: "completed" }, { orderBy: { id: "desc" }, limit: options.limit ?? 50 });
  return runs.reverse().flatMap((run) => {
    const input = run.input.text;
    const answer = run.output?.answer;
    return typeof input === "string" && typeof answer === "string" ? [{ runId: run.id, input, answer }] : [];
  });
}
