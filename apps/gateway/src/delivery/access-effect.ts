import { type AnyEnvelope, type TSubscriptionEndReason } from "@spine/contracts";

/** What an envelope means for one subscriber's right to keep receiving its workspace. */
export type AccessEffect = { kind: "none" } | { kind: "end"; reason: TSubscriptionEndReason } | { kind: "recheck" };

const NONE: AccessEffect = { kind: "none" };

/** Access changes travel in the stream itself, so every gateway applies them at the same position. */
export function accessEffectFor(envelope: AnyEnvelope, userId: string): AccessEffect {
  switch (envelope.event_type) {
    case "membership.removed":
      return envelope.payload.user_id === userId ? { kind: "end", reason: "membership_removed" } : NONE;
    case "workspace.deleted":
      return { kind: "end", reason: "workspace_deleted" };
    case "membership.role_changed":
      return envelope.payload.user_id === userId ? { kind: "recheck" } : NONE;
    default:
      return NONE;
  }
}

