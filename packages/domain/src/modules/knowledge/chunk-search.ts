import { AppError } from "../../errors/app-error.ts";

export interface ChunkSearchFilters {
  /** Only chunks of documents in this project. */
  projectId?: string;
  /** Only chunks of this document. */
  documentId?: string;
}

export interface SimilarChunk {
  chunkId: string;
  documentId: string;
  documentTitle: string;
  ordinal: number;
  content: string;
  /** Vector search: cosine similarity in [-1, 1]. Hybrid search: the reciprocal-rank-fusion score. Keyword search: `ts_rank_cd`. */
  score: number;
}

export interface SimilarChunkRow {
  chunk_id: string;
  document_id: string;
  document_title: string;
  ordinal: number;
  content: string;
  score: number | string | null;
}

export const MAX_K = 100;
/** pgvector's HNSW index covers vectors up to 2,000 dimensions. */
const MAX_DIMENSIONS = 2000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertSearchInput(k: number, vector: readonly number[], filters: ChunkSearchFilters): void {
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
    throw AppError.badRequest(`k must be an integer between 1 and ${MAX_K}`, [{ path: "k", message: "out of range" }]);
  }
  if (vector.length === 0 || vector.length > MAX_DIMENSIONS || !vector.every(Number.isFinite)) {
    throw AppError.badRequest(`the query vector must have 1–${MAX_DIMENSIONS} finite numbers`, [{ path: "vector", message: "invalid" }]);
  }
  for (const key of ["projectId", "documentId"] as const) {
    const value = filters[key];
    if (value !== undefined && !UUID.test(value)) throw AppError.badRequest(`${key} must be a UUID`, [{ path: key, message: "not a UUID" }]);
  }
}

export function toVectorLiteral(vector: readonly number[]): string {
  return `[${vector.map((x) => String(x)).join(",")}]`;
}

/**
 * Live documents (not deleted, not in a deleted project) of the operation's workspace, narrowed by
 * the filters. Row-level security already limits every table to the workspace; the explicit
 * workspace predicate is a second guard. Expects aliases `c` (chunk) and `d` (document).
 */
export function liveChunkPredicate(workspaceId: string, filters: ChunkSearchFilters): { sql: string; params: unknown[] } {
  let sql = `c.workspace_id = ? and d.deleted_at is null
    and (d.project_id is null or not exists (select 1 from projects p where p.workspace_id = d.workspace_id and p.id = d.project_id and p.deleted_at is not null))`;
  const params: unknown[] = [workspaceId];
  if (filters.projectId) { sql += " and d.project_id = ?"; params.push(filters.projectId); }
  if (filters.documentId) { sql += " and d.id = ?"; params.push(filters.documentId); }
  return { sql, params };
}

/**
 * The vector-distance expression for one dimension. The literal cast and `dimensions = N` match the
 * partial HNSW index of that dimension; `dims` is a validated integer, never user text.
 */
export function distanceSql(dims: number): { distance: string; dimensionPredicate: string } {
  return { distance: `(e.vector::vector(${dims}) <=> ?::vector(${dims}))`, dimensionPredicate: `e.dimensions = ${dims}` };
}

export function toSimilarChunk(r: SimilarChunkRow): SimilarChunk {
  return {
    chunkId: r.chunk_id, documentId: r.document_id, documentTitle: r.document_title,
    ordinal: r.ordinal, content: r.content, score: r.score === null ? 0 : Number(r.score),
  };
}
