import type { EnvelopeOf, EventType } from "@spine/contracts";
import type { Logger } from "./logger.ts";

/** The envelope of any one of `T`'s types: a union a handler can switch on by `event_type`. */
export type EnvelopeFor<T extends EventType> = T extends EventType ? EnvelopeOf<T> : never;

export interface HandlerContext<H = unknown> {
  /**
   * The handle of the handler's transaction, given by the `JobLedger` port (in Spine, the domain's
   * `Operation`): its effects commit together with the operation's `job_runs` row.
   */
  op: H;
  logger: Logger;
  /** 1 on the first delivery. */
  attempt: number;
}

/**
 * A consumer of events, as data. `name` is also the durable consumer's name and the `job_runs.handler`.
 * Effects must go through `ctx.op` only; anything else would not be exactly once.
 */
export interface EventHandler<T extends EventType = EventType, H = unknown> {
  readonly name: string;
  /** Event types the handler applies; other events on its subjects are acked and ignored. */
  readonly eventTypes: readonly T[];
  /** Subject filter after the prefix (default `>`: every workspace, every type). */
  readonly subjectFilter?: string;
  /**
   * High-volume handlers with small effects (usage metering): apply up to `max` waiting events of one
   * workspace in one transaction, each still exactly once (needs the ledger's `applyBatch`). A batch that
   * fails is retried one event at a time, so retries, dead letters and duplicates work as without it.
   */
  readonly batch?: { readonly max: number };
  /**
   * The handler's work is costly or reaches outside its transaction (model calls, HTTP): look up the
   * operation's `job_runs` row before running it, so an operation that already succeeded is not run again
   * only to be rolled back (one more round trip per event). Redeliveries and handlers with their own
   * `operationKey` always check first.
   */
  readonly checkFirst?: boolean;
  /** Idempotency key of the operation; default `<handler>:<event_id>`. */
  operationKey?(envelope: EnvelopeFor<T>): string;
  handle(envelope: EnvelopeFor<T>, ctx: HandlerContext<H>): Promise<void>;
}

export function defineHandler<const T extends EventType>(handler: EventHandler<T>): EventHandler<T> {
  return handler;
}

/** `defineHandler` for handlers whose transaction handle is an `H`: `const define = handlerFor<Operation>()`. */
export function handlerFor<H>(): <const T extends EventType>(handler: EventHandler<T, H>) => EventHandler<T, H> {
  return (handler) => handler;
}

export function operationKeyOf<H>(handler: EventHandler<EventType, H>, envelope: EnvelopeFor<EventType>): string {
  return handler.operationKey?.(envelope) ?? `${handler.name}:${envelope.event_id}`;
}

export function handlesType<H>(handler: EventHandler<EventType, H>, eventType: string): boolean {
  return (handler.eventTypes as readonly string[]).includes(eventType);
}
