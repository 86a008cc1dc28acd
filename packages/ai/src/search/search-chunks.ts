import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import {
  findSimilarChunks, hybridSearchChunks, keywordSearchChunks, type ChunkSearchFilters, type Domain, type OperationContext, type SimilarChunk,
} from "@spine/domain";
import { createEmbeddings } from "../embeddings/create-embeddings.ts";
import { embeddingModelName } from "../embeddings/embedding-model-name.ts";

export const SEARCH_MODES = ["hybrid", "vector", "keyword"] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

export interface SearchChunksOptions extends ChunkSearchFilters {
  /** `hybrid` (default): full-text and vector rankings fused by reciprocal rank fusion; `vector`: cosine only; `keyword`: full-text only. */
  mode?: SearchMode;
}

/**
 * Search within the context's workspace: embed the query (outside any transaction), then rank the
 * workspace's chunks — only those embedded by the same model. Row-level security keeps other
 * workspaces' chunks out of reach.
 */
export async function searchChunks(
  domain: Domain,
  ctx: OperationContext,
  query: string,
  k: number,
  embeddings: EmbeddingsInterface = createEmbeddings(),
  options: SearchChunksOptions = {},
): Promise<SimilarChunk[]> {
  const model = embeddingModelName(embeddings);
  const vector = options.mode === "keyword" ? [] : await embeddings.embedQuery(query);
  const filters = { projectId: options.projectId, documentId: options.documentId };
  if (options.mode === "keyword") return domain.run(ctx, (op) => keywordSearchChunks(op, { text: query, model, k, ...filters }));
  if (options.mode === "vector") return domain.run(ctx, (op) => findSimilarChunks(op, { vector, model, k, ...filters }));
  return domain.run(ctx, (op) => hybridSearchChunks(op, { text: query, vector, model, k, ...filters }));
}
