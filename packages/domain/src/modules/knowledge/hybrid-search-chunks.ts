import type { Operation } from "../../operation/operation.ts";
import { assertSearchInput, distanceSql, liveChunkPredicate, toSimilarChunk, toVectorLiteral, type ChunkSearchFilters, type SimilarChunk, type SimilarChunkRow } from "./chunk-search.ts";
import { useIterativeIndexScan } from "./use-iterative-index-scan.ts";

export interface HybridSearchQuery extends ChunkSearchFilters {
  /** The user's words, for full-text ranking. */
  text: string;
  /** The same query embedded, for vector ranking. */
  vector: readonly number[];
  model: string;
  k: number;
}

/** Reciprocal rank fusion constant (Cormack et al.); 60 is the customary value. */
const RRF_K = 60;
/** Candidates each ranking contributes before fusion. */
const CANDIDATES = 50;

/**
 * Hybrid search: the vector ranking (HNSW, cosine) and the full-text ranking (generated tsvector,
 * GIN, `ts_rank_cd`; any of the query's words may match; chunks embedded by the query's model) fused by reciprocal rank fusion —
 * score = Σ 1 / (60 + rank). Same tenant scope and filters as vector search.
 */
export async function hybridSearchChunks(op: Operation, query: HybridSearchQuery): Promise<SimilarChunk[]> {
  assertSearchInput(query.k, query.vector, query);
  await useIterativeIndexScan(op);
  const { distance, dimensionPredicate } = distanceSql(query.vector.length);
  const live = liveChunkPredicate(op.workspaceId, query);
  const vector = toVectorLiteral(query.vector);
  const pool = Math.max(CANDIDATES, query.k);
  const rows = await op.em.execute<SimilarChunkRow[]>(`
    with vec as (
      select c.id as chunk_id, row_number() over (order by ${distance}, c.id) as rank
      from embeddings e
      join document_chunks c on c.workspace_id = e.workspace_id and c.id = e.chunk_id
      join documents d on d.workspace_id = c.workspace_id and d.id = c.document_id
      where ${dimensionPredicate} and e.workspace_id = ? and e.model = ? and ${live.sql}
      order by ${distance}
      limit ?
    ),
    q as (select nullif(replace(plainto_tsquery('english', ?)::text, ' & ', ' | '), '')::tsquery as tsq),
    txt as (
      select c.id as chunk_id, row_number() over (order by ts_rank_cd(c.search_tsv, q.tsq) desc, c.id) as rank
      from document_chunks c
      join documents d on d.workspace_id = c.workspace_id and d.id = c.document_id
      cross join q
      where q.tsq is not null and c.search_tsv @@ q.tsq and ${live.sql}
        and exists (select 1 from embeddings e where e.workspace_id = c.workspace_id and e.chunk_id = c.id and e.model = ?)
      order by ts_rank_cd(c.search_tsv, q.tsq) desc, c.id
      limit ?
    ),
    fused as (
      select coalesce(vec.chunk_id, txt.chunk_id) as chunk_id,
        coalesce(1.0 / (${RRF_K} + vec.rank), 0) + coalesce(1.0 / (${RRF_K} + txt.rank), 0) as score
      from vec full join txt on txt.chunk_id = vec.chunk_id
    )
    select c.id as chunk_id, c.document_id, d.title as document_title, c.ordinal, c.content, f.score
    from fused f
    join document_chunks c on c.workspace_id = ? and c.id = f.chunk_id
    join documents d on d.workspace_id = c.workspace_id and d.id = c.document_id
    order by f.score desc, c.document_id, c.ordinal
    limit ?`, [
    vector, op.workspaceId, query.model, ...live.params, vector, pool,
    query.text, ...live.params, query.model, pool,
    op.workspaceId, query.k,
  ]);
  return rows.map(toSimilarChunk);
}
