import { errorMessage, type Logger } from "@spine/bus";
import { startPeriodic } from "./periodic.ts";
import { listDueAccessTransitions, newId, runAccessTransition, type AccessTransitionOutcome, type Domain } from "@spine/domain";
import type pg from "pg";

export interface AccessExpiryOptions {
  /** System-role pool: finds due workspaces across tenants. */
  pool: pg.Pool;
  /** App-role domain: each workspace's transition runs in its own scoped transaction. */
  domain: Domain;
  intervalMs: number;
  logger: Logger;
  /** Workspaces handled per pass (the pass repeats while a batch is full). */
  batchSize?: number;
}

export type AccessExpiryResult = Record<AccessTransitionOutcome, number> & { errors: number };

/**
 * One pass of the access expiry job: every workspace whose `next_transition_at` has come gets its
 * due future-dated events folded in and, if its active access is past `expires_at`, one
 * `access.deactivated` (reason `expired`). Durable and exactly once without a leader: the state
 * row is the schedule, and the event commits with its `job_runs` row keyed
 * `access-expiry:<workspace>:<state version>` under the workspace's lifecycle lock, so two workers
 * (or a worker restarted after a crash mid-pass) never emit it twice.
 */
export async function runAccessExpiry(options: Omit<AccessExpiryOptions, "intervalMs">, now: Date = new Date()): Promise<AccessExpiryResult> {
  const correlationId = `access-expiry-${newId()}`;
  const result: AccessExpiryResult = { expired: 0, refreshed: 0, unchanged: 0, "already-expired": 0, errors: 0 };
  const batchSize = options.batchSize ?? 100;
  const seen = new Set<string>();
  for (;;) {
    const due = (await listDueAccessTransitions(options.pool, { now, limit: batchSize })).filter((ws) => !seen.has(ws));
    for (const workspaceId of due) {
      seen.add(workspaceId);
      try {
        const { outcome } = await options.domain.run({ workspaceId, actorId: null, actorType: "system", correlationId }, (op) => runAccessTransition(op, now));
        result[outcome] += 1;
        if (outcome === "expired") options.logger.info({ correlation_id: correlationId, workspace_id: workspaceId }, "access expired");
      } catch (err) {
        result.errors += 1;
        options.logger.warn({ correlation_id: correlationId, workspace_id: workspaceId, err: errorMessage(err) }, "access expiry failed");
      }
    }
    if (due.length < batchSize) return result;
  }
}

/** Run the expiry job now and then every `intervalMs`, never two passes at once in this process. */
export function startAccessExpiry(options: AccessExpiryOptions): { stop(): Promise<void> } {
  return startPeriodic("access expiry", options.intervalMs, options.logger, () => runAccessExpiry(options));
}
