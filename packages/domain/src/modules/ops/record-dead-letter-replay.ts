import type { Operation } from "../../operation/operation.ts";

/** Record a replay attempt on a locked dead letter: `replayed` with `replayed_at`, or `replay_error`. */
export async function recordDeadLetterReplay(op: Operation, id: string, outcome: { error: string } | { replayed: true }): Promise<void> {
  if ("error" in outcome) {
    await op.em.execute("update dead_letter_jobs set replay_attempts = replay_attempts + 1, replay_error = ? where id = ?", [
      outcome.error.slice(0, 4000), id,
    ]);
    return;
  }
  await op.em.execute(
    `update dead_letter_jobs set status = 'replayed', replay_attempts = replay_attempts + 1, replayed_at = now(),
     replay_error = null where id = ?`,
    [id],
  );
}
