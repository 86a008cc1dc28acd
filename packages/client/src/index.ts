export { createSpineClient, type SpineClient, type SpineClientOptions, type SpineSession, type RefreshTokenOptions } from "./trpc-client.ts";
export type { AppRouter, RouterInputs, RouterOutputs } from "@spine/api";
export { createRealtimeClient } from "./realtime-client.ts";
export {
  RealtimeError,
  type AnyEnvelopeHandler,
  type EnvelopeHandler,
  type EventMeta,
  type RealtimeClient,
  type RealtimeClientOptions,
  type ResyncRequired,
  type SubscriptionEnded,
} from "./realtime-types.ts";
