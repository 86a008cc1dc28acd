import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { OpenAIEmbeddings } from "@langchain/openai";
import { z } from "zod";
import { OfflineHashEmbeddings } from "./offline-hash-embeddings.ts";

export const ZEmbeddingsConfigSchema = z.discriminatedUnion("provider", [
  z.object({ provider: z.literal("offline"), dimensions: z.number().int().min(8).max(4096).optional() }),
  z.object({
    provider: z.literal("openai-compatible"),
    /** e.g. `https://api.openai.com/v1`, or a local server speaking the same API. */
    baseURL: z.url(),
    apiKey: z.string().min(1),
    model: z.string().min(1),
    dimensions: z.number().int().positive().optional(),
    timeoutMs: z.number().int().positive().default(30_000),
    maxRetries: z.number().int().nonnegative().default(2),
  }),
]);
export type TEmbeddingsConfig = z.input<typeof ZEmbeddingsConfigSchema>;

/** Embeddings from configuration; the offline deterministic ones unless an endpoint is configured. */
export function createEmbeddings(config: TEmbeddingsConfig = { provider: "offline" }): EmbeddingsInterface {
  const c = ZEmbeddingsConfigSchema.parse(config);
  if (c.provider === "offline") return new OfflineHashEmbeddings(c.dimensions === undefined ? {} : { dimensions: c.dimensions });
  return new OpenAIEmbeddings({
    model: c.model,
    apiKey: c.apiKey,
    ...(c.dimensions === undefined ? {} : { dimensions: c.dimensions }),
    timeout: c.timeoutMs,
    maxRetries: c.maxRetries,
    configuration: { baseURL: c.baseURL },
  });
}
