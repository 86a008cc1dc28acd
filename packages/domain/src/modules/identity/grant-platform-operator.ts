import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";

export interface PlatformOperatorRow {
  user_id: string;
  email: string;
  granted_by: string;
  granted_at: Date;
}

async function userIdByEmail(op: Operation, email: string): Promise<string> {
  const rows = await op.em.execute<{ id: string }[]>("select id from users where lower(email) = lower(?) and deleted_at is null", [email]);
  const id = rows[0]?.id;
  if (!id) throw AppError.notFound("user", email);
  return id;
}

/**
 * Make the user with `email` a platform operator (system operation: only the system role may write
 * `platform_operators`; the operator CLI is its one caller). Idempotent: a second grant keeps the first.
 */
export async function grantPlatformOperator(op: Operation, input: { email: string; grantedBy: string }): Promise<{ userId: string; created: boolean }> {
  const userId = await userIdByEmail(op, input.email);
  const rows = await op.em.execute<{ user_id: string }[]>(
    "insert into platform_operators (user_id, granted_by) values (?, ?) on conflict (user_id) do nothing returning user_id",
    [userId, input.grantedBy],
  );
  return { userId, created: rows.length > 0 };
}

/** Take the platform operator flag from the user with `email` (system operation). */
export async function revokePlatformOperator(op: Operation, input: { email: string }): Promise<{ userId: string; removed: boolean }> {
  const userId = await userIdByEmail(op, input.email);
  const rows = await op.em.execute<{ user_id: string }[]>("delete from platform_operators where user_id = ? returning user_id", [userId]);
  return { userId, removed: rows.length > 0 };
}

/** Every platform operator with their email, oldest grant first (system operation). */
export async function listPlatformOperators(op: Operation): Promise<PlatformOperatorRow[]> {
  return op.em.execute<PlatformOperatorRow[]>(
    `select p.user_id, u.email, p.granted_by, p.granted_at from platform_operators p join users u on u.id = p.user_id order by p.granted_at, p.user_id`,
  );
}
