import { errorMessage, type Logger } from "@spine/bus";

export interface PeriodicJob {
  stop(): Promise<void>;
}

/**
 * Run `pass` now and then every `intervalMs` (at least 1 s), never two passes at once in this
 * process. A failed pass is logged and the schedule goes on; `stop` waits for a pass in flight.
 */
export function startPeriodic(name: string, intervalMs: number, logger: Logger, pass: () => Promise<unknown>): PeriodicJob {
  let running: Promise<unknown> = Promise.resolve();
  const runOnce = () => {
    running = pass().catch((err: unknown) => logger.warn({ err: errorMessage(err) }, `${name} pass failed`));
  };
  runOnce();
  const timer = setInterval(() => {
    void running.then(runOnce);
  }, Math.max(1_000, intervalMs));
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
