import type { EntityManager } from "@mikro-orm/postgresql";

/**
 * Whether a user is a platform operator (a `platform_operators` row). Untenanted: call it through
 * `Domain.readUntenanted` or inside any operation. The app role may read the table and nothing more.
 */
export async function isPlatformOperator(em: EntityManager, userId: string): Promise<boolean> {
  const rows = await em.execute<{ one: number }[]>("select 1 as one from platform_operators where user_id = ?", [userId]);
  return rows.length > 0;
}
