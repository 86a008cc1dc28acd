import { deleteExpiredIdempotencyKeys, deletePublishedOutbox, errorMessage, type Logger } from "@spine/bus";
import type pg from "pg";

export interface RetentionOptions {
  /** System-role pool. */
  pool: pg.Pool;
  /** Published outbox rows older than this are deleted. */
  replayWindowMs: number;
  intervalMs: number;
  logger: Logger;
}

/** One retention pass: published outbox rows past the replay window, expired idempotency keys. */
export async function runRetention(options: Omit<RetentionOptions, "intervalMs">): Promise<{ outbox: number; idempotencyKeys: number }> {
  const outbox = await deletePublishedOutbox(options.pool, { replayWindowMs: options.replayWindowMs });
  const idempotencyKeys = await deleteExpiredIdempotencyKeys(options.pool);
  if (outbox + idempotencyKeys > 0) options.logger.info({ outbox, idempotency_keys: idempotencyKeys }, "retention deleted rows");
  return { outbox, idempotencyKeys };
}

/** Run retention now and then every `intervalMs`, never two passes at once. */
export function startRetention(options: RetentionOptions): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const pass = () => {
    running = runRetention(options).catch((err: unknown) => options.logger.warn({ err: errorMessage(err) }, "retention pass failed"));
  };
  pass();
  const timer = setInterval(() => {
    void running.then(pass);
  }, Math.max(1_000, options.intervalMs));
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
