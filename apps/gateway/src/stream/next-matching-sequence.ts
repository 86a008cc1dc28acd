import type { NatsConnection } from "@nats-io/transport-node";
import { z } from "zod";

const ZMsgGetResponseSchema = z.object({
  message: z.object({ seq: z.number().int().positive() }).optional(),
  error: z.object({ code: z.number(), description: z.string().optional() }).optional(),
});

/**
 * Sequence of the first message on or after `fromSeq` matching `filter`, or null if there is none
 * (the stream's `next_by_subj` message lookup). Exact, unlike a consumer's pending count.
 */
export async function nextMatchingSequence(nc: NatsConnection, stream: string, fromSeq: number, filter: string): Promise<number | null> {
  const reply = await nc.request(`$JS.API.STREAM.MSG.GET.${stream}`, JSON.stringify({ seq: fromSeq, next_by_subj: filter }), { timeout: 5_000 });
  const parsed = ZMsgGetResponseSchema.parse(reply.json());
  if (parsed.message) return parsed.message.seq;
  if (parsed.error?.code === 404) return null;
  throw new Error(`stream message lookup failed: ${parsed.error?.description ?? "unknown error"}`);
}
