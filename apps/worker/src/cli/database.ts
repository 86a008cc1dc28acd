import { createRolePools, type RolePools } from "@spine/bus";
import { PgTxRunner } from "@spine/domain/reads";
import { appUrlFrom, systemUrlFrom } from "@spine/domain";
import type { TCliEnv } from "../env.ts";
import { UsageError } from "./output.ts";

/** Open the role pools for one command, run it, and close them. */
export async function withDatabase<T>(env: TCliEnv, fn: (pools: RolePools, txRunner: PgTxRunner) => Promise<T>): Promise<T> {
  if (!env.DATABASE_URL) throw new UsageError("DATABASE_URL is required for this command");
  const pools = createRolePools({ appUrl: appUrlFrom(env.DATABASE_URL), systemUrl: systemUrlFrom(env.DATABASE_URL), max: 4 });
  try {
    return await fn(pools, new PgTxRunner(pools));
  } finally {
    await pools.appPool.end();
    await pools.systemPool.end();
  }
}
