import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ChatOpenAI } from "@langchain/openai";
import { z } from "zod";
import { OfflineDeterministicChatModel } from "./offline-deterministic-chat-model.ts";

export const ZChatModelConfigSchema = z.discriminatedUnion("provider", [
  z.object({
    provider: z.literal("offline"),
    /** A pause between the offline model's streamed words (default none), so live streaming can be watched and tested. */
    chunkDelayMs: z.number().int().min(0).max(10_000).optional(),
  }),
  z.object({
    provider: z.literal("openai-compatible"),
    /** e.g. `https://api.openai.com/v1`, or a local server speaking the same API. */
    baseURL: z.url(),
    apiKey: z.string().min(1),
    model: z.string().min(1),
    temperature: z.number().min(0).max(2).default(0),
    timeoutMs: z.number().int().positive().default(60_000),
    maxRetries: z.number().int().nonnegative().default(2),
  }),
]);
export type TChatModelConfig = z.input<typeof ZChatModelConfigSchema>;

/** A chat model from configuration; the offline deterministic one unless an endpoint is configured. */
export function createChatModel(config: TChatModelConfig = { provider: "offline" }): BaseChatModel {
  const c = ZChatModelConfigSchema.parse(config);
  if (c.provider === "offline") return new OfflineDeterministicChatModel(c.chunkDelayMs ? { chunkDelayMs: c.chunkDelayMs } : {});
  return new ChatOpenAI({
    model: c.model,
    apiKey: c.apiKey,
    temperature: c.temperature,
    timeout: c.timeoutMs,
    maxRetries: c.maxRetries,
    configuration: { baseURL: c.baseURL },
  });
}
