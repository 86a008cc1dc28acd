import { createPgPool } from "@spine/domain/reads";
import type pg from "pg";

/** A pg pool for a test (the owner role to seed and inspect, the system role for the relay's ports). */
export function createPool(url: string, max: number, onError?: (err: Error) => void): pg.Pool {
  return createPgPool({ connectionString: url, max, ...(onError ? { onError } : {}) });
}
