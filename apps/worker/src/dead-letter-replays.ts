import { replayDeadLetters, type Logger } from "@spine/bus";
import { claimRequestedDeadLetterReplays, newId, type Domain } from "@spine/domain";
import type { WorkerHandler } from "./handlers/index.ts";
import { startPeriodic, type PeriodicJob } from "./periodic.ts";
import { deadLetterStore, jobLedger } from "./wiring.ts";

/**
 * Replays the dead letters a workspace owner asked for (`deadLetter.replay` stores the request on the
 * row): every `intervalMs` it takes the requested ones and replays each with the worker's handlers,
 * exactly as `spine dlq replay <id>` does (row lock, job_runs key: applied once).
 */
export function startDeadLetterReplays(options: { domain: Domain; handlers: readonly WorkerHandler[]; intervalMs: number; logger: Logger }): PeriodicJob {
  const ledger = jobLedger(options.domain);
  return startPeriodic("dead-letter-replays", options.intervalMs, options.logger, async () => {
    const correlationId = `dlq-replay-${newId()}`;
    const ids = await options.domain.runSystem({ workspaceId: null, actorId: null, actorType: "system", correlationId }, (op) => claimRequestedDeadLetterReplays(op));
    for (const id of ids) {
      const [result] = await replayDeadLetters({ deadLetters: deadLetterStore(options.domain, correlationId), ledger, handlers: options.handlers, logger: options.logger }, { id });
      options.logger.info({ dead_letter_id: id, outcome: result?.outcome, correlation_id: correlationId }, "requested dead letter replay");
    }
  });
}
