import { AppError, failAgentRun, listStaleAgentRuns, type Domain } from "@spine/domain";
import type pg from "pg";

export interface FailAbandonedAgentRunsOptions {
  domain: Domain;
  /** Pool of the system role: finding stale runs reads every workspace. */
  systemPool: pg.Pool;
  /** No progress for this long means the run's process is gone; keep it above a run's longest model call. */
  staleAfterMs: number;
  correlationId: string;
  now?: Date;
  limit?: number;
}

/**
 * Sweep for runs a crashed process left `queued` or `running`: each is failed in its own workspace
 * transaction with `agent.run.failed`, so subscribers hear the end of every run. A run that finishes
 * meanwhile is left alone.
 */
export async function failAbandonedAgentRuns(options: FailAbandonedAgentRunsOptions): Promise<{ failed: number }> {
  const now = options.now ?? new Date();
  const stale = await listStaleAgentRuns(options.systemPool, { staleBefore: new Date(now.getTime() - options.staleAfterMs), limit: options.limit });
  let failed = 0;
  for (const run of stale) {
    const ctx = { workspaceId: run.workspaceId, actorId: null, actorType: "system" as const, correlationId: options.correlationId };
    try {
      await options.domain.run(ctx, (op) => failAgentRun(op, run.runId, `abandoned: no progress for ${options.staleAfterMs} ms while ${run.status}`));
      failed += 1;
    } catch (err) {
      if (!(AppError.isAppError(err) && err.code === "PRECONDITION_FAILED")) throw err;
    }
  }
  return { failed };
}
