import { safeParseEnvelope } from "@spine/contracts";
import type pg from "pg";
import { applyOnce, type ApplyOutcome } from "./apply-once.ts";
import type { DeadLetterRow } from "./dead-letters.ts";
import { BusError, errorMessage } from "./errors.ts";
import type { EventHandler } from "./handler.ts";
import { defaultLogger, type Logger } from "./logger.ts";
import { inTransaction, type TxRunner } from "./tx-runner.ts";

export interface DeadLetterReplayOptions {
  /** Pool of the system role (dead letters span workspaces). */
  systemPool: pg.Pool;
  txRunner: TxRunner;
  handlers: readonly EventHandler[];
  logger?: Logger;
}

export type ReplayTarget = { id: string } | { handler: string };

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
export async function replayDeadLetters(options: DeadLetterReplayOptions, target: ReplayTarget): Promise<ReplayResult[]> {
  const ids = await selectIds(options.systemPool, target);
  const results: ReplayResult[] = [];
  for (const id of ids) results.push(await replayOne(options, id));
  return results;
}

async function selectIds(pool: pg.Pool, target: ReplayTarget): Promise<string[]> {
  if ("id" in target) {
    const { rows } = await pool.query<{ id: string }>("select id from dead_letter_jobs where id = $1", [target.id]);
    if (rows.length === 0) throw BusError.notFound(`dead letter ${target.id}`);
    return rows.map((r) => r.id);
  }
  const { rows } = await pool.query<{ id: string }>(
    "select id from dead_letter_jobs where handler = $1 and status = 'dead' order by created_at, id",
    [target.handler],
  );
  return rows.map((r) => r.id);
}

async function replayOne(options: DeadLetterReplayOptions, id: string): Promise<ReplayResult> {
  const logger = options.logger ?? defaultLogger("dead-letter-replay");
  // The row lock makes concurrent replays of one dead letter take turns; the job_runs key makes them apply once.
  return inTransaction(options.systemPool, async (client) => {
    const { rows } = await client.query<DeadLetterRow>(
      "select * from dead_letter_jobs where id = $1 for update skip locked",
      [id],
    );
    const row = rows[0];
    if (!row) return { id, outcome: "busy" };
    if (row.status === "replayed") return { id, outcome: "duplicate" };
    const result = await attempt(options, row, logger);
    if (result.outcome === "failed") {
      await client.query(
        "update dead_letter_jobs set replay_attempts = replay_attempts + 1, replay_error = $2 where id = $1",
        [id, (result.error ?? "").slice(0, 4000)],
      );
    } else {
      await client.query(
        `update dead_letter_jobs set status = 'replayed', replay_attempts = replay_attempts + 1, replayed_at = now(),
         replay_error = null where id = $1`,
        [id],
      );
    }
    return result;
  });
}

async function attempt(options: DeadLetterReplayOptions, row: DeadLetterRow, logger: Logger): Promise<ReplayResult> {
  const handler = options.handlers.find((h) => h.name === row.handler);
  if (!handler) return { id: row.id, outcome: "failed", error: BusError.unknownHandler(row.handler).message };
  const parsed = safeParseEnvelope(row.envelope);
  if (!parsed.ok) return { id: row.id, outcome: "failed", error: parsed.error.message };
  const log = logger.child({ handler: handler.name, event_id: parsed.envelope.event_id, correlation_id: parsed.envelope.correlation_id });
  try {
    const outcome = await applyOnce(options.txRunner, handler, parsed.envelope, row.attempts + row.replay_attempts + 1, log);
    log.info({ dead_letter_id: row.id, outcome }, "dead letter replayed");
    return { id: row.id, outcome };
  } catch (err) {
    log.warn({ dead_letter_id: row.id, err: errorMessage(err) }, "dead letter replay failed");
    return { id: row.id, outcome: "failed", error: errorMessage(err) };
  }
}
