import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { findSimilarChunks, type Domain, type OperationContext, type SimilarChunk } from "@spine/domain";
import { createEmbeddings } from "../embeddings/create-embeddings.ts";
import { embeddingModelName } from "../embeddings/embedding-model-name.ts";

/**
 * Semantic search within the context's workspace: embed the query, rank the workspace's chunks by
 * cosine similarity. Only chunks embedded by the same model are compared. Row-level security keeps
 * other workspaces' chunks out of reach.
 */
export async function searchChunks(
  domain: Domain,
  ctx: OperationContext,
  query: string,
  k: number,
  embeddings: EmbeddingsInterface = createEmbeddings(),
): Promise<SimilarChunk[]> {
  const vector = await embeddings.embedQuery(query);
  return domain.run(ctx, (op) => findSimilarChunks(op, { vector, model: embeddingModelName(embeddings), k }));
}
