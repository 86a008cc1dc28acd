import type { EnvelopeOf, EventPayload } from "@spine/contracts";
import type { Operation } from "../../context/operation.ts";
import type { AccessEnvelope, AccessEventType, AccessSnapshot } from "./access-fold.ts";
import { applyAccessEvent } from "./apply-access-event.ts";

/**
 * Record an access lifecycle event (to the outbox) and fold it into the workspace's state in the
 * same transaction. Consumers that later receive the same envelope find it already applied.
 */
export async function changeAccess<T extends AccessEventType>(op: Operation, type: T, payload: EventPayload<T>): Promise<AccessSnapshot> {
  // EnvelopeOf<T> for T in the access types is one member of AccessEnvelope; TS cannot distribute a generic.
  const envelope = op.emit(type, payload) as EnvelopeOf<AccessEventType> as AccessEnvelope;
  const { state } = await applyAccessEvent(op, envelope);
  return state;
}
