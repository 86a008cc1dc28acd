import type { EnvelopeOf, EventType } from "@spine/contracts";
import type { Logger } from "./logger.ts";
import type { Tx } from "./tx-runner.ts";

/** The envelope of any one of `T`'s types: a union a handler can switch on by `event_type`. */
export type EnvelopeFor<T extends EventType> = T extends EventType ? EnvelopeOf<T> : never;

export interface HandlerContext {
  /** The handler's transaction: its effects commit together with its `job_runs` row. */
  tx: Tx;
  logger: Logger;
  /** 1 on the first delivery. */
  attempt: number;
}

/**
 * A consumer of events, as data. `name` is also the durable consumer's name and the `job_runs.handler`.
 * Effects must go through `ctx.tx` only; anything else would not be exactly once.
 */
export interface EventHandler<T extends EventType = EventType> {
  readonly name: string;
  /** Event types the handler applies; other events on its subjects are acked and ignored. */
  readonly eventTypes: readonly T[];
  /** Subject filter after the prefix (default `>`: every workspace, every type). */
  readonly subjectFilter?: string;
  /** Idempotency key of the operation; default `<handler>:<event_id>`. */
  operationKey?(envelope: EnvelopeFor<T>): string;
  handle(envelope: EnvelopeFor<T>, ctx: HandlerContext): Promise<void>;
}

export function defineHandler<const T extends EventType>(handler: EventHandler<T>): EventHandler<T> {
  return handler;
}

export function operationKeyOf(handler: EventHandler, envelope: EnvelopeFor<EventType>): string {
  return handler.operationKey?.(envelope) ?? `${handler.name}:${envelope.event_id}`;
}

export function handlesType(handler: EventHandler, eventType: string): boolean {
  return (handler.eventTypes as readonly string[]).includes(eventType);
}
