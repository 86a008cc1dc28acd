import type { EmbeddingsInterface } from "@langchain/core/embeddings";

/** The model id recorded with stored vectors: the provider's `model` field when it has one. */
export function embeddingModelName(embeddings: EmbeddingsInterface): string {
  const model: unknown = (embeddings as { model?: unknown }).model;
  return typeof model === "string" && model.length > 0 ? model : embeddings.constructor.name;
}
