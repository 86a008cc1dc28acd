import { z } from "zod";
import { ZIdSchema, ZNameSchema, ZPageInputSchema, ZTextSchema } from "../../dto/common.ts";

export const ZCreateThreadRequestSchema = z.object({ title: ZNameSchema });
export const ZThreadRefSchema = z.object({ threadId: ZIdSchema });
export const ZListThreadsRequestSchema = ZPageInputSchema.extend({ includeDeleted: z.boolean().default(false) });
export const ZListRunsRequestSchema = ZPageInputSchema.extend({ threadId: ZIdSchema });

export const MAX_AGENT_MESSAGE_CHARS = 8000;
export const ZRunAgentRequestSchema = z.object({
  threadId: ZIdSchema,
  message: ZTextSchema.trim().min(1, "must not be empty").max(MAX_AGENT_MESSAGE_CHARS, `must be at most ${MAX_AGENT_MESSAGE_CHARS} characters`),
  /**
   * Answer at once with the queued run (its id) and run on in the background, streaming live steps to
   * the gateway (`agent.watch`); the durable agent.* events follow as always. Default false: answer
   * with the finished run.
   */
  stream: z.boolean().default(false),
  /** Most model calls before the run fails. */
  maxSteps: z.number().int("must be an integer").min(1, "must be at least 1").max(10, "must be at most 10").optional(),
});

export const MAX_SEARCH_K = 50;
export const ZSearchRequestSchema = z.object({
  query: ZTextSchema.trim().min(1, "must not be empty").max(2000, "must be at most 2000 characters"),
  k: z.number().int("must be an integer").min(1, "must be at least 1").max(MAX_SEARCH_K, `must be at most ${MAX_SEARCH_K}`).default(10),
  /** `hybrid`: full-text and vector rankings fused (reciprocal rank fusion); `vector`: cosine similarity only; `keyword`: full-text only. */
  mode: z.enum(["hybrid", "vector", "keyword"]).default("hybrid"),
  projectId: ZIdSchema.optional(),
  documentId: ZIdSchema.optional(),
});
export const ZCancelRunRequestSchema = z.object({ runId: ZIdSchema });
