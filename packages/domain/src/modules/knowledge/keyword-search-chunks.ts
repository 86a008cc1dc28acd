import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { assertSearchInput, liveChunkPredicate, toSimilarChunk, type ChunkSearchFilters, type SimilarChunk, type SimilarChunkRow } from "./chunk-search.ts";

export interface KeywordSearchQuery extends ChunkSearchFilters {
  /** The user's words; any of them may match (stemmed, English stop words dropped). */
  text: string;
  /** Only chunks embedded by this model: the same corpus the vector and hybrid searches see. */
  model: string;
  k: number;
}

/**
 * Full-text search only: the generated tsvector (GIN index) ranked by `ts_rank_cd`, any of the
 * query's words matching. The keyword half of `hybridSearchChunks`, on its own — for comparing
 * retrieval quality, and for callers without a query vector. Same tenant scope and filters.
 */
export async function keywordSearchChunks(op: Operation, query: KeywordSearchQuery): Promise<SimilarChunk[]> {
  assertSearchInput(query.k, [0], query);
  if (query.text.trim().length === 0) throw AppError.badRequest("the query must not be empty", [{ path: "text", message: "empty" }]);
  const live = liveChunkPredicate(op.workspaceId, query);
  const rows = await op.em.execute<SimilarChunkRow[]>(`
    with q as (select nullif(replace(plainto_tsquery('english', ?)::text, ' & ', ' | '), '')::tsquery as tsq)
    select c.id as chunk_id, c.document_id, d.title as document_title, c.ordinal, c.content, ts_rank_cd(c.search_tsv, q.tsq) as score
    from document_chunks c
    join documents d on d.workspace_id = c.workspace_id and d.id = c.document_id
    cross join q
    where q.tsq is not null and c.search_tsv @@ q.tsq and ${live.sql}
      and exists (select 1 from embeddings e where e.workspace_id = c.workspace_id and e.chunk_id = c.id and e.model = ?)
    order by ts_rank_cd(c.search_tsv, q.tsq) desc, c.id
    limit ?`, [query.text, ...live.params, query.model, query.k]);
  return rows.map(toSimilarChunk);
}
