import type { Tx } from "../../../reads/pg-tx-runner.ts";
import { CUTOFF, deleteInChunks } from "./delete-expired-rows.ts";

/**
 * Retention of `dead_letter_jobs` (system role): replayed ones `replayedOlderThanMs` after their replay
 * (debug, short); ones never replayed `deadOlderThanMs` after they died (debug, medium: operators may
 * still replay them until then).
 */
export async function deleteExpiredDeadLetters(
  q: Tx,
  options: { replayedOlderThanMs: number; deadOlderThanMs: number; chunk?: number },
): Promise<{ replayed: number; dead: number }> {
  const replayed = await deleteInChunks(
    q, "dead_letter_jobs", `select id from dead_letter_jobs where status = 'replayed' and replayed_at < ${CUTOFF} limit $2`,
    options.replayedOlderThanMs, options.chunk,
  );
  const dead = await deleteInChunks(
    q, "dead_letter_jobs", `select id from dead_letter_jobs where status = 'dead' and created_at < ${CUTOFF} limit $2`,
    options.deadOlderThanMs, options.chunk,
  );
  return { replayed, dead };
}
