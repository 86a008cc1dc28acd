import { z } from "zod";
import { rfc3339 } from "./rfc3339.ts";

/** The event envelope, field for field as the seed specification names it. */
export const ZEnvelopeSchema = z.object({
  event_id: z.uuid({ version: "v7", error: "must be a UUIDv7" }),
  event_type: z.string().min(1).max(100),
  occurred_at: rfc3339(),
  workspace_id: z.uuid().nullable(),
  actor_id: z.uuid().nullable(),
  correlation_id: z.string().min(1).max(200),
  payload: z.record(z.string(), z.unknown()),
  version: z.number().int().positive(),
});
export type TEnvelope = z.infer<typeof ZEnvelopeSchema>;

/** An envelope whose payload has been checked against its registered schema. */
export type TTypedEnvelope<TType extends string, TPayload> = Omit<TEnvelope, "event_type" | "payload"> & {
  event_type: TType;
  payload: TPayload;
};
