/**
 * The one place the bus meets the domain: the bus's ports (`OutboxStore`, `OutboxWakeups`, `JobLedger`,
 * `DeadLetterStore`) implemented with the domain's ops use-cases. The relay's ports are pg-level
 * (`@spine/domain/ops`, a few statements per batch, no ORM); the consumers' ledger runs each operation
 * as a domain `Operation` (`Domain.run` in the event's workspace, `Domain.runSystem` for system events
 * and bookkeeping), which is the handle a handler's effects go through.
 */
import { handlerFor, type DeadLetterStore, type JobLedger, type JobRunStart, type OutboxStore, type OutboxWakeups } from "@spine/bus";
import type { Domain, Operation, OperationContext } from "@spine/domain";
import {
  findDeadLetterIds, insertDeadLetter, jobRunSucceeded, lockDeadLetter, OutboxListener, readOutboxRange,
  recordDeadLetterReplay, recordJobFailure, recordJobSuccess, recordJobSuccesses, relayOutboxBatch, type OutboxListenerLogger,
} from "@spine/domain/ops";
import { txOf } from "@spine/domain/reads";
import type pg from "pg";

/** What a worker handler's effects go through: the domain operation of its `job_runs` transaction. */
export type WorkerOperation = Operation;

/** `defineHandler` for the worker's handlers: `ctx.op` is the domain operation. */
export const defineWorkerHandler = handlerFor<WorkerOperation>();

function systemCtx(correlationId: string): OperationContext {
  return { workspaceId: null, actorId: null, actorType: "system", correlationId };
}

function runCtx(run: JobRunStart): OperationContext {
  return { workspaceId: run.workspaceId, actorId: null, actorType: "system", correlationId: run.correlationId };
}

/** The outbox for the relay and re-publishing: system-role pg transactions. */
export function outboxStore(systemPool: pg.Pool): OutboxStore {
  return {
    relayBatch: (limit, publish) => relayOutboxBatch(systemPool, limit, publish),
    readRange: (range, after, limit) => readOutboxRange(txOf(systemPool), range, after, limit),
  };
}

/** LISTEN/NOTIFY on the outbox channel over a dedicated system-role connection. */
export function outboxWakeups(systemUrl: string, logger: OutboxListenerLogger): OutboxWakeups {
  let listener: OutboxListener | null = null;
  return {
    async start(onWake) {
      listener = new OutboxListener(systemUrl, onWake, logger);
      await listener.start();
    },
    async stop() {
      await listener?.stop();
      listener = null;
    },
  };
}

/** Thrown inside the operation to roll a duplicate's effects back; never leaves `jobLedger`. */
class DuplicateOperation extends Error {}

/**
 * Job runs and dead letters through the domain: a handler's effects and its `job_runs` row are one operation.
 * The row is written last (`recordJobSuccess`, one conditional upsert): no row back means the operation had
 * already succeeded, and the effects roll back. A run that may have succeeded (a redelivery, a handler's own
 * operation key) first checks, so a finished operation's handler is not run again just to be rolled back.
 */
export function jobLedger(domain: Domain): JobLedger<WorkerOperation> {
  return {
    async applyOnce(run, apply) {
      const started = performance.now();
      const work = async (op: Operation) => {
        if (run.mayHaveRun && (await jobRunSucceeded(op, run))) return "duplicate" as const;
        await apply(op);
        if (!(await recordJobSuccess(op, run, Math.round(performance.now() - started)))) throw new DuplicateOperation();
        return "applied" as const;
      };
      try {
        return await (run.workspaceId === null ? domain.runSystem(runCtx(run), work) : domain.run(runCtx(run), work));
      } catch (err) {
        if (err instanceof DuplicateOperation) return "duplicate";
        throw err;
      }
    },
    async applyBatch(runs, apply) {
      const first = runs[0];
      if (!first) return;
      if (runs.some((r) => r.workspaceId !== first.workspaceId || r.mayHaveRun)) throw new Error("a batch is first deliveries of one workspace");
      const started = performance.now();
      const work = async (op: Operation) => {
        for (const [i, run] of runs.entries()) {
          // Each event's effects (audit rows, emitted events) carry its own correlation id.
          op.ctx.correlationId = run.correlationId;
          await apply(op, i);
        }
        const recorded = await recordJobSuccesses(op, runs, Math.round(performance.now() - started));
        if (recorded !== runs.length) throw new Error(`${runs.length - recorded} operation(s) of the batch had already succeeded`);
      };
      await (first.workspaceId === null ? domain.runSystem(runCtx(first), work) : domain.run(runCtx(first), work));
    },
    recordFailure: (run) => domain.runSystem(systemCtx(run.correlationId), (op) => recordJobFailure(op, run)),
    deadLetter: (letter, run) =>
      domain.runSystem(systemCtx(run?.correlationId ?? `dead-letter-${letter.handler}`), async (op) => {
        if (run) await recordJobFailure(op, run);
        await insertDeadLetter(op, letter);
      }),
  };
}

/** Dead letters for replay (system role). */
export function deadLetterStore(domain: Domain, correlationId: string): DeadLetterStore {
  return {
    findIds: (target) => domain.runSystem(systemCtx(correlationId), (op) => findDeadLetterIds(op, target)),
    withLocked: (id, replay) =>
      domain.runSystem(systemCtx(correlationId), async (op) => {
        const letter = await lockDeadLetter(op, id);
        const { result, record } = await replay(letter);
        if (record) await recordDeadLetterReplay(op, id, record);
        return result;
      }),
  };
}
