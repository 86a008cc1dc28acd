import { appUrlFrom, Domain, systemUrlFrom } from "@spine/domain";
import { createPgPool } from "@spine/domain/reads";
import type pg from "pg";
import type { TCliEnv } from "../env.ts";
import { UsageError } from "./output.ts";

/** Open a system-role pool for one command (outbox reads), run it, and close it. */
export async function withSystemPool<T>(env: TCliEnv, fn: (systemPool: pg.Pool) => Promise<T>): Promise<T> {
  if (!env.DATABASE_URL) throw new UsageError("DATABASE_URL is required for this command");
  const pool = createPgPool({ connectionString: systemUrlFrom(env.DATABASE_URL), max: 2 });
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

/** Open the domain (app and system roles) for one command, run it, and close it. */
export async function withDomain<T>(env: TCliEnv, fn: (domain: Domain) => Promise<T>): Promise<T> {
  if (!env.DATABASE_URL) throw new UsageError("DATABASE_URL is required for this command");
  const domain = await Domain.create({ clientUrl: appUrlFrom(env.DATABASE_URL), systemUrl: systemUrlFrom(env.DATABASE_URL), poolMax: 2 });
  try {
    return await fn(domain);
  } finally {
    await domain.close();
  }
}
