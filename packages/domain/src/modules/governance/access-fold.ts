import type { EnvelopeOf, EventPayload } from "@spine/contracts";
import type { AccessState } from "./entities.ts";

export type AccessEventType = "access.activated" | "access.changed" | "access.deactivated";
export type AccessEnvelope = EnvelopeOf<"access.activated"> | EnvelopeOf<"access.changed"> | EnvelopeOf<"access.deactivated">;

/** One recorded lifecycle event (a row of `access_events`): what the fold reads. */
export type AccessHistoryEvent =
  | { id: string; type: "access.activated"; payload: EventPayload<"access.activated"> }
  | { id: string; type: "access.changed"; payload: EventPayload<"access.changed"> }
  | { id: string; type: "access.deactivated"; payload: EventPayload<"access.deactivated"> };

/** The access state of a workspace as a value: what `demo_access_states` stores. */
export interface AccessSnapshot {
  state: AccessState;
  plan: string | null;
  effectiveAt: Date | null;
  expiresAt: Date | null;
  reason: string | null;
  lastEventId: string | null;
  lastEventAt: Date | null;
  /** How many events are folded in: the state version (expiry job keys use it). */
  version: number;
  /** The next instant the state may change by itself: a future-dated event coming due, or the expiry of active access. */
  nextTransitionAt: Date | null;
}

export const INITIAL_ACCESS: AccessSnapshot = {
  state: "inactive", plan: null, effectiveAt: null, expiresAt: null, reason: null, lastEventId: null, lastEventAt: null,
  version: 0, nextTransitionAt: null,
};

export function isAccessEventType(type: string): type is AccessEventType {
  return type === "access.activated" || type === "access.changed" || type === "access.deactivated";
}

export function historyEventOf(env: AccessEnvelope): AccessHistoryEvent {
  return { id: env.event_id, type: env.event_type, payload: env.payload } as AccessHistoryEvent;
}

const effectiveAtOf = (e: AccessHistoryEvent): number => new Date(e.payload.effective_at).getTime();

/** The total order of the history: by effective_at, then event id (a deterministic tie-break). */
export function compareAccessEvents(a: AccessHistoryEvent, b: AccessHistoryEvent): number {
  return effectiveAtOf(a) - effectiveAtOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * One step: `activated` makes access active on a plan (with an expiry or none); `changed` sets the
 * plan and expiry and leaves the state as it is (it does not re-activate ended access); `deactivated`
 * ends access and keeps the plan it ended on.
 */
function step(current: AccessSnapshot, e: AccessHistoryEvent): AccessSnapshot {
  const effectiveAt = new Date(e.payload.effective_at);
  const applied = { effectiveAt, lastEventAt: effectiveAt, lastEventId: e.id, version: current.version + 1 };
  switch (e.type) {
    case "access.activated":
      return { ...current, ...applied, state: "active", plan: e.payload.plan, expiresAt: dateOrNull(e.payload.expires_at), reason: null };
    case "access.changed":
      return { ...current, ...applied, plan: e.payload.plan, expiresAt: dateOrNull(e.payload.expires_at) };
    case "access.deactivated":
      return { ...current, ...applied, state: "inactive", expiresAt: null, reason: e.payload.reason };
  }
}

const dateOrNull = (v: string | null): Date | null => (v === null ? null : new Date(v));

/**
 * The state is a pure fold of the workspace's access history as of `asOf`: the events whose
 * effective_at has come, deduplicated by id, in (effective_at, id) order. Events dated later are
 * kept for later (they set `nextTransitionAt`), and an event that arrives late with an earlier
 * effective_at is placed where it belongs. Same history and instant, same state, whatever order the
 * events arrived in.
 */
export function foldAccessHistory(events: readonly AccessHistoryEvent[], asOf: Date): AccessSnapshot {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()].sort(compareAccessEvents);
  const now = asOf.getTime();
  const due = unique.filter((e) => effectiveAtOf(e) <= now);
  const pending = unique.find((e) => effectiveAtOf(e) > now);
  const folded = due.reduce(step, INITIAL_ACCESS);
  const candidates = [pending ? effectiveAtOf(pending) : null, folded.state === "active" ? (folded.expiresAt?.getTime() ?? null) : null]
    .filter((t): t is number => t !== null);
  return { ...folded, nextTransitionAt: candidates.length > 0 ? new Date(Math.min(...candidates)) : null };
}

export type AccessStatus = "active" | "inactive" | "expired";

/** What the gate sees at `now`: access is active only while the folded state is active and not past its expiry. */
export function accessStatusAt(s: Pick<AccessSnapshot, "state" | "expiresAt">, now: Date): AccessStatus {
  if (s.state !== "active") return "inactive";
  if (s.expiresAt !== null && s.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}
