import type pg from "pg";
import { withAppTransaction } from "./app-database.ts";

export type UserTokenCheck = "ok" | "unknown_user" | "user_deleted" | "token_revoked";

/** A token is good only while its user exists, is not deleted, and its token_version is current. */
export async function checkUserToken(pool: pg.Pool, userId: string, tokenVersion: number): Promise<UserTokenCheck> {
  return withAppTransaction(pool, { userId }, async (client) => {
    const { rows } = await client.query<{ token_version: number; deleted_at: Date | null }>(
      "select token_version, deleted_at from users where id = $1",
      [userId],
    );
    const row = rows[0];
    if (!row) return "unknown_user";
    if (row.deleted_at !== null) return "user_deleted";
    return row.token_version === tokenVersion ? "ok" : "token_revoked";
  });
}
