import type { Operation } from "../../operation/operation.ts";
import type { AgentRun } from "./entities.ts";
import { failAgentRun } from "./fail-agent-run.ts";

export const AGENT_RUN_CANCELLED = "cancelled by the caller";

/**
 * Cancel a queued or running run: it ends `failed` with the reason "cancelled by the caller" and
 * `agent.run.failed`, at once; the process running it stops before its next model call and records
 * nothing more. A run that has already ended is a PRECONDITION_FAILED.
 */
export async function cancelAgentRun(op: Operation, runId: string): Promise<AgentRun> {
  return failAgentRun(op, runId, AGENT_RUN_CANCELLED);
}
