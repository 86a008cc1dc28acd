import type { Operation } from "../../operation/operation.ts";
import { assertSearchInput, distanceSql, liveChunkPredicate, toSimilarChunk, toVectorLiteral, type ChunkSearchFilters, type SimilarChunk, type SimilarChunkRow } from "./chunk-search.ts";
import { useIterativeIndexScan } from "./use-iterative-index-scan.ts";

export interface SimilarChunksQuery extends ChunkSearchFilters {
  vector: readonly number[];
  /** Only embeddings of this model are comparable with the query vector. */
  model: string;
  k: number;
}

/**
 * The k chunks of the workspace's live documents most similar (cosine) to a query vector, through
 * the HNSW index of the vector's dimension. Vector-only; `hybridSearchChunks` adds full-text ranking.
 */
export async function findSimilarChunks(op: Operation, query: SimilarChunksQuery): Promise<SimilarChunk[]> {
  assertSearchInput(query.k, query.vector, query);
  await useIterativeIndexScan(op);
  const { distance, dimensionPredicate } = distanceSql(query.vector.length);
  const live = liveChunkPredicate(op.workspaceId, query);
  const vector = toVectorLiteral(query.vector);
  const rows = await op.em.execute<SimilarChunkRow[]>(`
    select c.id as chunk_id, c.document_id, d.title as document_title, c.ordinal, c.content, 1 - ${distance} as score
    from embeddings e
    join document_chunks c on c.workspace_id = e.workspace_id and c.id = e.chunk_id
    join documents d on d.workspace_id = c.workspace_id and d.id = c.document_id
    where ${dimensionPredicate} and e.workspace_id = ? and e.model = ? and ${live.sql}
    order by ${distance}
    limit ?`, [vector, op.workspaceId, query.model, ...live.params, vector, query.k]);
  return rows.map(toSimilarChunk);
}
