import { failAbandonedAgentRuns, purgeExpiredAgentRuns } from "@spine/ai";
import { startPeriodic } from "./periodic.ts";
import { errorMessage, type Logger } from "@spine/bus";
import { newId, recordSystemAudit, type Domain, type RetentionPolicy } from "@spine/domain";
import { deleteExpiredIdempotencyKeys, deleteOldRateLimitHits, deletePublishedOutbox } from "@spine/domain/ops";
import { txOf } from "@spine/domain/reads";
import { runOperationalRetention, type OperationalRetentionCounts } from "./operational-retention.ts";
import type pg from "pg";

export interface RetentionOptions {
  /** System-role pool (BYPASSRLS): retention reads and deletes across workspaces. */
  pool: pg.Pool;
  /** Fails abandoned agent runs, each in its own workspace transaction with `agent.run.failed`. */
  domain: Domain;
  /** Published outbox rows older than this are deleted. */
  replayWindowMs: number;
  /** `rate_limit_hits` windows that started longer ago than this are deleted. */
  rateLimitRetentionMs: number;
  /** Agent runs `queued`/`running` with no progress for this long are failed as abandoned. */
  agentRunStaleAfterMs: number;
  /** Agent runs purged per transaction (the purge repeats while a batch is full). */
  agentRunPurgeBatchSize?: number;
  /** The stream's max age: job runs are kept at least this plus the replay window (a redelivery must find them). */
  eventsMaxAgeMs?: number;
  /** Operational tables' retention by data class; default `retentionPolicy()` of `@spine/domain` (the one place it is configured). */
  policy?: RetentionPolicy;
  intervalMs: number;
  logger: Logger;
}

/** Counts per job; the operational tables' by data class (see `RETENTION_CLASSES` in `@spine/domain`). */
export interface RetentionResult extends OperationalRetentionCounts {
  outbox: number;
  idempotencyKeys: number;
  rateLimitHits: number;
  /** Agent runs past `retain_until` hard-deleted (with their tool calls, one audit row per run). */
  agentRunsPurged: number;
  agentToolCallsPurged: number;
  abandonedAgentRunsFailed: number;
  /** Jobs that failed in this pass; the other jobs still ran. */
  errors: { job: string; error: string }[];
}

const ABANDONED_BATCH = 100;
const MAX_BATCHES = 100;

/**
 * One retention pass: published outbox rows past the replay window, expired idempotency keys, old
 * rate-limit windows, agent runs past `retain_until` (audited purge), abandoned agent runs (failed with
 * `agent.run.failed`). Each job runs even if another fails; failures are logged and returned.
 */
export async function runRetention(options: Omit<RetentionOptions, "intervalMs">): Promise<RetentionResult> {
  const correlationId = `retention-${newId()}`;
  const logger = options.logger.child({ correlation_id: correlationId });
  const result: RetentionResult = {
    outbox: 0, idempotencyKeys: 0, rateLimitHits: 0, agentRunsPurged: 0, agentToolCallsPurged: 0, abandonedAgentRunsFailed: 0,
    jobRuns: 0, replayedDeadLetters: 0, deadLetters: 0, integrationEvents: 0, activityLogs: 0, usageCounters: 0, errors: [],
  };
  const job = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      result.errors.push({ job: name, error: errorMessage(err) });
      logger.warn({ job: name, err: errorMessage(err) }, "retention job failed");
    }
  };

  await job("outbox", async () => {
    result.outbox = await deletePublishedOutbox(txOf(options.pool), { replayWindowMs: options.replayWindowMs });
  });
  await job("idempotency_keys", async () => {
    result.idempotencyKeys = await deleteExpiredIdempotencyKeys(txOf(options.pool));
  });
  await job("rate_limit_hits", async () => {
    result.rateLimitHits = await deleteOldRateLimitHits(txOf(options.pool), { olderThanMs: options.rateLimitRetentionMs });
  });
  await job("agent_runs_purge", async () => {
    const batchSize = options.agentRunPurgeBatchSize ?? 500;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const purged = await purgeExpiredAgentRuns(options.pool, { correlationId, batchSize });
      result.agentRunsPurged += purged.runs;
      result.agentToolCallsPurged += purged.toolCalls;
      if (purged.runs < batchSize) break;
    }
  });
  await job("agent_runs_abandoned", async () => {
    for (let i = 0; i < MAX_BATCHES; i++) {
      const { failed } = await failAbandonedAgentRuns({
        domain: options.domain, systemPool: options.pool, staleAfterMs: options.agentRunStaleAfterMs, correlationId, limit: ABANDONED_BATCH,
      });
      result.abandonedAgentRunsFailed += failed;
      if (failed < ABANDONED_BATCH) break;
    }
  });

  await runOperationalRetention(options, result, job);

  const { errors, ...counts } = result;
  await job("audit", async () => {
    await options.domain.run({ workspaceId: null, actorId: null, actorType: "system", correlationId }, (op) =>
      recordSystemAudit(op, {
        action: "retention.pass", targetType: "retention", targetId: null, actorName: "worker",
        details: { deleted: counts, failed_jobs: errors.map((e) => e.job) },
      }),
    );
  });
  if (Object.values(counts).some((n) => n > 0)) logger.info(counts, "retention pass");
  return { ...counts, errors: result.errors };
}

/** Run retention now and then every `intervalMs`, never two passes at once. */
export function startRetention(options: RetentionOptions): { stop(): Promise<void> } {
  return startPeriodic("retention", options.intervalMs, options.logger, () => runRetention(options));
}
