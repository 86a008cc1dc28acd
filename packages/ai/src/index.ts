export { chunkDocument, ZChunkingOptionsSchema, type TChunkingOptions, type TextChunk } from "./chunking/chunk-document.ts";
export { estimateTokens } from "./chunking/estimate-tokens.ts";
export { OfflineHashEmbeddings, type OfflineHashEmbeddingsParams } from "./embeddings/offline-hash-embeddings.ts";
export { createEmbeddings, ZEmbeddingsConfigSchema, type TEmbeddingsConfig } from "./embeddings/create-embeddings.ts";
export { embeddingModelName } from "./embeddings/embedding-model-name.ts";
export { OfflineDeterministicChatModel, OFFLINE_CHAT_MODEL_NAME } from "./models/offline-deterministic-chat-model.ts";
export { createChatModel, ZChatModelConfigSchema, type TChatModelConfig } from "./models/create-chat-model.ts";
export { chatModelName } from "./models/chat-model-name.ts";
export { ingestDocument, ingestDocumentInOperation, type IngestDocumentOptions, type IngestionResult } from "./ingestion/ingest-document.ts";
export { chunkContent, type IngestionLimits, type StructuredTextChunk } from "./chunking/chunk-content.ts";
export { IngestionRefused } from "./chunking/ingestion-refused.ts";
export {
  createIngestionHandler, INGESTION_EVENT_TYPES,
  type IngestionEnvelope, type IngestionEventType, type IngestionHandler, type IngestionHandlerOptions, type IngestionOutcome,
} from "./ingestion/create-ingestion-handler.ts";
export { searchChunks } from "./search/search-chunks.ts";
export { createSearchDocumentsTool, type SearchDocumentsToolOptions } from "./agent/search-documents-tool.ts";
export { SEARCH_DOCUMENTS_TOOL_NAME, ZSearchDocumentsOutputSchema, type TSearchDocumentsOutput } from "./agent/search-documents-output.ts";
export { runAgent, type RunAgentInput, type AgentRunResult } from "./agent/run-agent.ts";
export { AgentRunError } from "./agent/agent-run-error.ts";
export { failAbandonedAgentRuns, type FailAbandonedAgentRunsOptions } from "./agent/fail-abandoned-agent-runs.ts";
export { purgeExpiredAgentRuns, DEFAULT_AGENT_RUN_RETENTION, type AgentRunRetentionPolicy } from "@spine/domain";
export { parseAiSettings, type AiSettings } from "./config/ai-settings.ts";
export { createWorkspaceTools, type WorkspaceToolsOptions } from "./agent/workspace-tools.ts";
