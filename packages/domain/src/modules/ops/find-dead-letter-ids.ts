import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";

/** The dead letters a replay names: one id (NOT_FOUND if it does not exist), or every `dead` one of a handler, oldest first. */
export async function findDeadLetterIds(op: Operation, target: { id: string } | { handler: string }): Promise<string[]> {
  if ("id" in target) {
    const rows = await op.em.execute<{ id: string }[]>("select id from dead_letter_jobs where id = ?", [target.id]);
    if (rows.length === 0) throw AppError.notFound(`dead letter ${target.id}`);
    return rows.map((r) => r.id);
  }
  const rows = await op.em.execute<{ id: string }[]>(
    "select id from dead_letter_jobs where handler = ? and status = 'dead' order by created_at, id",
    [target.handler],
  );
  return rows.map((r) => r.id);
}
