import { type AnyEnvelope, type TSubscriptionEndReason } from "@spine/contracts";

/** What an envelope means for one subscriber's right to keep receiving its workspace. */
export type AccessEffect =
  | { kind: "none" }
  /** `membershipId`: the membership a removal ended (a later one of the same user is not affected). */
  | { kind: "end"; reason: TSubscriptionEndReason; membershipId?: string }
  | { kind: "recheck" };

const NONE: AccessEffect = { kind: "none" };

/** Access changes travel in the stream itself, so every gateway applies them at the same position. */
export function accessEffectFor(envelope: AnyEnvelope, userId: string): AccessEffect {
  switch (envelope.event_type) {
    case "membership.removed":
      return envelope.payload.user_id === userId ? { kind: "end", reason: "membership_removed", membershipId: envelope.payload.membership_id } : NONE;
    case "workspace.deleted":
      return { kind: "end", reason: "workspace_deleted" };
    case "membership.role_changed":
      return envelope.payload.user_id === userId ? { kind: "recheck" } : NONE;
    default:
      return NONE;
  }
}

