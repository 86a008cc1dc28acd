export { createSpineClient, type SpineClient, type SpineClientOptions, type SpineSession, type RefreshTokenOptions } from "./trpc-client.ts";
export type { AppRouter, RouterInputs, RouterOutputs } from "@spine/api";
