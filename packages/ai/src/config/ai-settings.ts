import { z } from "zod";
import type { TEmbeddingsConfig } from "../embeddings/create-embeddings.ts";
import type { TChatModelConfig } from "../models/create-chat-model.ts";

/**
 * The AI settings an app reads from its environment (the app passes the record; packages never read
 * `process.env`). Offline deterministic models unless an OpenAI-compatible endpoint is configured.
 * The API and the worker must agree on the embeddings model, or search will not match ingestion.
 */
const ZAiEnvSchema = z.object({
  SPINE_EMBEDDINGS_PROVIDER: z.enum(["offline", "openai-compatible"]).default("offline"),
  SPINE_EMBEDDINGS_BASE_URL: z.url().optional(),
  SPINE_EMBEDDINGS_API_KEY: z.string().min(1).optional(),
  SPINE_EMBEDDINGS_MODEL: z.string().min(1).optional(),
  SPINE_CHAT_PROVIDER: z.enum(["offline", "openai-compatible"]).default("offline"),
  SPINE_CHAT_BASE_URL: z.url().optional(),
  SPINE_CHAT_API_KEY: z.string().min(1).optional(),
  SPINE_CHAT_MODEL: z.string().min(1).optional(),
  /** The offline chat model's pause between streamed words, in ms (default none; the console's browser test watches tokens arrive). */
  SPINE_CHAT_OFFLINE_CHUNK_DELAY_MS: z.coerce.number().int().min(0).max(10_000).optional(),
});

export interface AiSettings {
  embeddings: TEmbeddingsConfig;
  chat: TChatModelConfig;
}

function remote(kind: "EMBEDDINGS" | "CHAT", env: z.infer<typeof ZAiEnvSchema>, problems: string[]) {
  const baseURL = env[`SPINE_${kind}_BASE_URL`];
  const apiKey = env[`SPINE_${kind}_API_KEY`];
  const model = env[`SPINE_${kind}_MODEL`];
  for (const [name, value] of [[`SPINE_${kind}_BASE_URL`, baseURL], [`SPINE_${kind}_API_KEY`, apiKey], [`SPINE_${kind}_MODEL`, model]] as const) {
    if (!value) problems.push(`${name}: required when SPINE_${kind}_PROVIDER=openai-compatible`);
  }
  return { provider: "openai-compatible" as const, baseURL: baseURL ?? "", apiKey: apiKey ?? "", model: model ?? "" };
}

/** Parse the AI settings; throws one error naming every bad variable (never echoing a key). */
export function parseAiSettings(source: Record<string, string | undefined>): AiSettings {
  const parsed = ZAiEnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new Error(`invalid AI settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const env = parsed.data;
  const problems: string[] = [];
  const embeddings: TEmbeddingsConfig = env.SPINE_EMBEDDINGS_PROVIDER === "offline" ? { provider: "offline" } : remote("EMBEDDINGS", env, problems);
  const offlineChat: TChatModelConfig = env.SPINE_CHAT_OFFLINE_CHUNK_DELAY_MS ? { provider: "offline", chunkDelayMs: env.SPINE_CHAT_OFFLINE_CHUNK_DELAY_MS } : { provider: "offline" };
  const chat: TChatModelConfig = env.SPINE_CHAT_PROVIDER === "offline" ? offlineChat : remote("CHAT", env, problems);
  if (problems.length) throw new Error(`invalid AI settings: ${problems.join("; ")}`);
  return { embeddings, chat };
}
