import { safeParseEnvelope, type EventType } from "@spine/contracts";
import { applyOnce, type ApplyOutcome } from "./apply-once.ts";
import { BusError, errorMessage } from "./errors.ts";
import type { EventHandler } from "./handler.ts";
import { defaultLogger, type Logger } from "./logger.ts";
import type { DeadLetter, DeadLetterStore, JobLedger, ReplayRecord, ReplayTarget } from "./ports.ts";

export type { ReplayTarget };

export interface DeadLetterReplayOptions<H = unknown> {
  /** Dead letters (port; they span workspaces). */
  deadLetters: DeadLetterStore;
  /** The consumers' bookkeeping (port): a replay applies through the same exactly-once path. */
  ledger: JobLedger<H>;
  handlers: readonly EventHandler<EventType, H>[];
  logger?: Logger;
}

export interface ReplayResult {
  id: string;
  outcome: ApplyOutcome | "failed" | "busy";
  error?: string;
}

/**
 * Re-run dead-lettered jobs through the same exactly-once path as the consumer: effects and the
 * `job_runs` row commit together, so replaying twice (or concurrently) applies once. The outcome is
 * recorded on the dead-letter row: `replayed` with `replayed_at`, or `replay_error`.
 */
export async function replayDeadLetters<H>(options: DeadLetterReplayOptions<H>, target: ReplayTarget): Promise<ReplayResult[]> {
  const ids = await options.deadLetters.findIds(target);
  const results: ReplayResult[] = [];
  for (const id of ids) results.push(await replayOne(options, id));
  return results;
}

function replayOne<H>(options: DeadLetterReplayOptions<H>, id: string): Promise<ReplayResult> {
  const logger = options.logger ?? defaultLogger("dead-letter-replay");
  // The row lock makes concurrent replays of one dead letter take turns; the job_runs key makes them apply once.
  return options.deadLetters.withLocked(id, async (letter): Promise<{ result: ReplayResult; record?: ReplayRecord }> => {
    if (!letter) return { result: { id, outcome: "busy" } };
    if (letter.status === "replayed") return { result: { id, outcome: "duplicate" } };
    const result = await attempt(options, letter, logger);
    return { result, record: result.outcome === "failed" ? { error: result.error ?? "" } : { replayed: true } };
  });
}

async function attempt<H>(options: DeadLetterReplayOptions<H>, row: DeadLetter, logger: Logger): Promise<ReplayResult> {
  const handler = options.handlers.find((h) => h.name === row.handler);
  if (!handler) return { id: row.id, outcome: "failed", error: BusError.unknownHandler(row.handler).message };
  const parsed = safeParseEnvelope(row.envelope);
  if (!parsed.ok) return { id: row.id, outcome: "failed", error: parsed.error.message };
  const log = logger.child({ handler: handler.name, event_id: parsed.envelope.event_id, correlation_id: parsed.envelope.correlation_id });
  try {
    const outcome = await applyOnce(options.ledger, handler, parsed.envelope, row.attempts + row.replay_attempts + 1, log);
    log.info({ dead_letter_id: row.id, outcome }, "dead letter replayed");
    return { id: row.id, outcome };
  } catch (err) {
    log.warn({ dead_letter_id: row.id, err: errorMessage(err) }, "dead letter replay failed");
    return { id: row.id, outcome: "failed", error: errorMessage(err) };
  }
}
