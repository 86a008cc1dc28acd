import type { Operation } from "../../context/operation.ts";
import { AppError } from "../../errors/app-error.ts";

export interface SimilarChunksQuery {
  vector: readonly number[];
  /** Only embeddings of this model are comparable with the query vector. */
  model: string;
  k: number;
}

export interface SimilarChunk {
  chunkId: string;
  documentId: string;
  documentTitle: string;
  ordinal: number;
  content: string;
  /** Cosine similarity in [-1, 1]. */
  score: number;
}

interface SimilarChunkRow {
  chunk_id: string;
  document_id: string;
  document_title: string;
  ordinal: number;
  content: string;
  score: number | string | null;
}

const MAX_K = 100;

// Cosine similarity over real[] (no pgvector). Row-level security limits every table to the
// operation's workspace; the explicit workspace predicate is a second guard, not the only one.
const SIMILAR_CHUNKS_SQL = `
with q as (select ?::real[] as v)
select c.id as chunk_id, c.document_id, d.title as document_title, c.ordinal, c.content,
  (select sum(a * b) / nullif(sqrt(sum(a * a)) * sqrt(sum(b * b)), 0) from unnest(e.vector, q.v) as t(a, b)) as score
from embeddings e
cross join q
join document_chunks c on c.workspace_id = e.workspace_id and c.id = e.chunk_id
join documents d on d.workspace_id = c.workspace_id and d.id = c.document_id and d.deleted_at is null
left join projects p on p.workspace_id = d.workspace_id and p.id = d.project_id
where (d.project_id is null or p.deleted_at is null) and e.workspace_id = ? and e.model = ? and e.dimensions = ?
order by score desc nulls last, c.document_id, c.ordinal
limit ?`;

function toPgArray(vector: readonly number[]): string {
  return `{${vector.map((x) => String(x)).join(",")}}`;
}

/** The k chunks of the workspace's live documents (not in a deleted project) most similar to a query vector. */
export async function findSimilarChunks(op: Operation, query: SimilarChunksQuery): Promise<SimilarChunk[]> {
  if (!Number.isInteger(query.k) || query.k < 1 || query.k > MAX_K) {
    throw AppError.badRequest(`k must be an integer between 1 and ${MAX_K}`, [{ path: "k", message: "out of range" }]);
  }
  if (query.vector.length === 0 || !query.vector.every(Number.isFinite)) {
    throw AppError.badRequest("the query vector must be non-empty and finite", [{ path: "vector", message: "invalid" }]);
  }
  const rows = await op.em.execute<SimilarChunkRow[]>(SIMILAR_CHUNKS_SQL, [
    toPgArray(query.vector), op.workspaceId, query.model, query.vector.length, query.k,
  ]);
  return rows.map((r) => ({
    chunkId: r.chunk_id, documentId: r.document_id, documentTitle: r.document_title,
    ordinal: r.ordinal, content: r.content, score: r.score === null ? 0 : Number(r.score),
  }));
}
