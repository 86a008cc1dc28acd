import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { ToolCall } from "./entities.ts";

export type ToolCallOutcome =
  | { status: "completed"; output: Record<string, unknown> }
  | { status: "failed"; error: string };

const MAX_ERROR_LENGTH = 2000;

/** running → completed (with its output) or failed (with its error). */
export async function finishToolCall(op: Operation, toolCallId: string, outcome: ToolCallOutcome): Promise<ToolCall> {
  const call = await op.em.findOne(ToolCall, { id: toolCallId });
  if (!call) throw AppError.notFound("tool call", toolCallId);
  if (call.status !== "running") throw AppError.precondition(`tool call ${toolCallId} is ${call.status}, not running`);
  call.status = outcome.status;
  call.completedAt = new Date();
  if (outcome.status === "completed") call.output = outcome.output;
  else call.error = outcome.error.slice(0, MAX_ERROR_LENGTH);
  await op.em.flush();
  return call;
}
