import { createChatModel, createEmbeddings } from "@spine/ai";

export type ChatModel = ReturnType<typeof createChatModel>;
export type Embeddings = ReturnType<typeof createEmbeddings>;

/** Models the host app may inject; absent, the offline deterministic ones (no network, no downloads). */
export interface AgentModels {
  /** A chat model for one run. */
  chatModel?: () => ChatModel;
  /** Query embeddings for search and `search_documents`: must be the model ingestion embeds with. */
  embeddings?: Embeddings;
}

export function chatModelOf(models: AgentModels | undefined): ChatModel {
  return models?.chatModel?.() ?? createChatModel();
}

export function embeddingsOf(models: AgentModels | undefined): Embeddings {
  return models?.embeddings ?? createEmbeddings();
}
