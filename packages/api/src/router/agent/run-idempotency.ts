import { AppError, releaseIdempotencyKey, storeIdempotentResponse, type Operation } from "@spine/domain";

/**
 * An agent run spans several transactions (one per step), so its Idempotency-Key cannot commit
 * with "the" mutation. The key is claimed with this marker as its response in the authorising
 * transaction, replaced by the run once it is recorded, and released if the call throws.
 */
export const RUN_PENDING = { agentRun: "pending" } as const;

export function isRunPending(response: unknown): boolean {
  return typeof response === "object" && response !== null && (response as Record<string, unknown>).agentRun === "pending";
}

export function runInProgress(): AppError {
  return AppError.conflict("a run with this Idempotency-Key is in progress or was interrupted", [
    { path: "idempotency-key", message: "run in progress or interrupted" },
  ]);
}

export async function storeRunResponse(op: Operation, userId: string, key: string, response: unknown): Promise<void> {
  await storeIdempotentResponse(op, { userId, key }, response);
}

export async function releaseRunKey(op: Operation, userId: string, key: string): Promise<void> {
  await releaseIdempotencyKey(op, userId, key);
}
