import { Migration } from "@mikro-orm/migrations";

/**
 * Embeddings become pgvector `vector`s with an HNSW (cosine) index per dimension in use — 256 for
 * the offline embeddings, 1536 for OpenAI-compatible `text-embedding-3-small` — and chunks get a
 * generated `tsvector` with a GIN index for the full-text half of hybrid search. The `vector`
 * column has no fixed length (several models share the table), so each index covers the rows of
 * one dimension through a cast; a query uses it by comparing with the same cast and predicate.
 * Runs as the owner, which must be allowed to create the extension (a superuser here).
 */
export const HNSW_DIMENSIONS = [256, 1536] as const;

export class Migration20261202013001_pgvector_hybrid_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists vector;`);
    this.addSql(`alter table embeddings alter column vector type vector using vector::vector;`);
    for (const dims of HNSW_DIMENSIONS) {
      this.addSql(`create index embeddings_hnsw_cosine_d${dims} on embeddings
        using hnsw ((vector::vector(${dims})) vector_cosine_ops) where dimensions = ${dims};`);
    }
    this.addSql(`alter table document_chunks add column search_tsv tsvector
      generated always as (to_tsvector('english', content)) stored;`);
    this.addSql(`create index document_chunks_search_tsv_idx on document_chunks using gin (search_tsv);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists document_chunks_search_tsv_idx;`);
    this.addSql(`alter table document_chunks drop column if exists search_tsv;`);
    for (const dims of HNSW_DIMENSIONS) this.addSql(`drop index if exists embeddings_hnsw_cosine_d${dims};`);
    this.addSql(`alter table embeddings alter column vector type real[] using vector::real[];`);
  }
}
