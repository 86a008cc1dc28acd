import type { EnvelopeOf } from "@spine/contracts";
import type { AccessState } from "./entities.ts";

export type AccessEventType = "access.activated" | "access.changed" | "access.deactivated";
export type AccessEnvelope = EnvelopeOf<"access.activated"> | EnvelopeOf<"access.changed"> | EnvelopeOf<"access.deactivated">;

/** The access state of a workspace as a value: what `demo_access_states` stores. */
export interface AccessSnapshot {
  state: AccessState;
  plan: string | null;
  effectiveAt: Date | null;
  expiresAt: Date | null;
  reason: string | null;
  lastEventId: string | null;
  lastEventAt: Date | null;
}

export const INITIAL_ACCESS: AccessSnapshot = {
  state: "inactive", plan: null, effectiveAt: null, expiresAt: null, reason: null, lastEventId: null, lastEventAt: null,
};

export function isAccessEventType(type: string): type is AccessEventType {
  return type === "access.activated" || type === "access.changed" || type === "access.deactivated";
}

/** Events are totally ordered by (effective_at, event_id); the event id breaks ties deterministically. */
function isAfterLastApplied(current: AccessSnapshot, effectiveAt: Date, eventId: string): boolean {
  if (current.lastEventAt === null || current.lastEventId === null) return true;
  const diff = effectiveAt.getTime() - current.lastEventAt.getTime();
  return diff > 0 || (diff === 0 && eventId > current.lastEventId);
}

/**
 * One step of the fold. Every access event carries the whole state it establishes, so the state
 * after the latest event (by effective_at, event_id) does not depend on what came before: replaying
 * the same events in any order, with duplicates, ends in the same state. An event at or before the
 * last applied one (a duplicate, or a late arrival) changes nothing.
 */
export function foldAccessEvent(current: AccessSnapshot, env: AccessEnvelope): AccessSnapshot {
  const effectiveAt = new Date(env.payload.effective_at);
  if (!isAfterLastApplied(current, effectiveAt, env.event_id)) return current;
  const applied = { effectiveAt, lastEventAt: effectiveAt, lastEventId: env.event_id };
  if (env.event_type === "access.deactivated") {
    return { ...applied, state: "inactive", plan: null, expiresAt: null, reason: env.payload.reason };
  }
  const expiresAt = env.payload.expires_at === null ? null : new Date(env.payload.expires_at);
  return { ...applied, state: "active", plan: env.payload.plan, expiresAt, reason: null };
}

export function foldAccessEvents(events: readonly AccessEnvelope[], from: AccessSnapshot = INITIAL_ACCESS): AccessSnapshot {
  return events.reduce(foldAccessEvent, from);
}
