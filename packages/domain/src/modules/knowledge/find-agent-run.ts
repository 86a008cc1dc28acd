import { LockMode } from "@mikro-orm/core";
import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { AgentRun, ToolCall } from "./entities.ts";

/** A run of the workspace, optionally locked for a state change. */
export async function findAgentRun(op: Operation, runId: string, options: { forUpdate?: boolean } = {}): Promise<AgentRun> {
  const run = await op.em.findOne(AgentRun, { id: runId }, options.forUpdate ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  if (!run) throw AppError.notFound("agent run", runId);
  return run;
}

/** A run's tool calls in the order they were made. */
export async function listToolCalls(op: Operation, runId: string): Promise<ToolCall[]> {
  return op.em.find(ToolCall, { runId }, { orderBy: { ordinal: "asc" } });
}
