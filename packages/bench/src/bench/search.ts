import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import pg from "pg";
import { createEmbeddings, embeddingModelName, ingestDocument, parseAiSettings, searchChunks } from "@spine/ai";
import { createDocument, Domain, findSimilarChunks, hybridSearchChunks, newId, type OperationContext } from "@spine/domain";
import { createBenchEnv } from "../lib/bench-env.ts";
import { nowMs, ratio, summarize } from "../lib/stats.ts";
import { emit } from "../lib/report.ts";
import { fillerPassages, searchCorpus, type LabelledQuery } from "../search/corpus.ts";

const MODES = ["keyword", "vector", "hybrid"] as const;

export interface SearchBenchOptions {
  /** Chunks in the workspace for the latency run (HNSW against a sequential scan). */
  chunks: number;
  /** Queries timed with the HNSW index in the latency run. */
  latencyQueries: number;
  /** Share of those timed for the slower variants (sequential scan, hybrid). */
  slowShare: number;
}

function line(text: string): void {
  process.stdout.write(`${text}\n`);
}

function json(record: Record<string, unknown>): void {
  process.stdout.write(`BENCH ${JSON.stringify({ bench: "search", ...record, at: new Date().toISOString() })}\n`);
}

/** recall@5 (share of a query's relevant passages in the top 5) and MRR@10, averaged over the queries. */
function score(rankings: string[][], queries: readonly LabelledQuery[]): { recallAt5: number; mrrAt10: number } {
  let recall = 0;
  let mrr = 0;
  queries.forEach((q, i) => {
    const ranked = rankings[i] ?? [];
    recall += q.relevant.filter((id) => ranked.slice(0, 5).includes(id)).length / q.relevant.length;
    const first = ranked.slice(0, 10).findIndex((id) => q.relevant.includes(id));
    mrr += first === -1 ? 0 : 1 / (first + 1);
  });
  const round = (n: number) => Math.round((n / queries.length) * 1000) / 1000;
  return { recallAt5: round(recall), mrrAt10: round(mrr) };
}

/** Quality: the labelled corpus ingested through the product's path, each query searched in each mode. */
async function benchQuality(domain: Domain, ctx: OperationContext, embeddings: EmbeddingsInterface): Promise<void> {
  const { passages, queries } = searchCorpus();
  const model = embeddingModelName(embeddings);
  const t0 = nowMs();
  const queue = [...passages];
  // Four at a time: the product path (document row, then chunk + embed + write), as the worker would.
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let passage = queue.shift(); passage; passage = queue.shift()) {
      const { id, text } = passage;
      const doc = await domain.run(ctx, (op) => createDocument(op, { title: id, content: text }));
      await ingestDocument(domain, ctx, doc.id, { embeddings });
    }
  }));
  line(`search     corpus: ${passages.length} passages (one chunk each), ${queries.length} labelled queries, model ${model}, ingested in ${Math.round(nowMs() - t0)} ms`);
  for (const mode of MODES) {
    const latencies: number[] = [];
    const rankings: string[][] = [];
    for (const q of queries) {
      const started = nowMs();
      const hits = await searchChunks(domain, ctx, q.query, 10, embeddings, { mode });
      latencies.push(nowMs() - started);
      rankings.push(hits.map((h) => h.documentTitle));
    }
    const quality = score(rankings, queries);
    const lat = summarize(latencies);
    line(`search     quality ${mode.padEnd(8)} recall@5=${quality.recallAt5}  MRR@10=${quality.mrrAt10}  latency p50=${lat.p50} ms p99=${lat.p99} ms (${passages.length} chunks, query embedding included)`);
    json({ variant: "quality", model, mode, queries: queries.length, chunks: passages.length, recall_at_5: quality.recallAt5, mrr_at_10: quality.mrrAt10, latency_ms: lat });
  }
}

async function withOwner<T>(ownerUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Bulk-load `count` chunks with offline embeddings into one workspace, as the owner (the bench's own
 * database; the product path would take minutes for 100k). The HNSW index is built after the load, as
 * one would for a backfill.
 */
async function loadChunks(ownerUrl: string, workspaceId: string, userId: string, count: number, embeddings: EmbeddingsInterface): Promise<{ loadMs: number; indexMs: number }> {
  const model = embeddingModelName(embeddings);
  return withOwner(ownerUrl, async (client) => {
    const t0 = nowMs();
    await client.query("drop index if exists embeddings_hnsw_cosine_d256");
    const perDocument = 100;
    const batch = 2000;
    const texts = fillerPassages(count);
    for (let start = 0; start < count; start += batch) {
      const size = Math.min(batch, count - start);
      const contents: string[] = [];
      for (let i = 0; i < size; i++) contents.push(texts.next().value as string);
      const vectors = await embeddings.embedDocuments(contents);
      const docIds: string[] = [];
      for (let i = 0; i < size; i += perDocument) docIds.push(newId());
      const chunkIds = contents.map(() => newId());
      await client.query("begin");
      await client.query(
        `insert into documents (id, workspace_id, title, content, ingestion_status, created_by)
         select id, $2, 'bulk ' || id, '', 'ingested', $3 from unnest($1::uuid[]) as id`,
        [docIds, workspaceId, userId],
      );
      await client.query(
        `insert into document_chunks (id, workspace_id, document_id, ordinal, content, token_count)
         select c.id, $2, ($3::uuid[])[(c.n - 1) / ${perDocument} + 1], (c.n - 1) % ${perDocument}, c.content, length(c.content) / 4
         from unnest($1::uuid[], $4::text[]) with ordinality as c(id, content, n)`,
        [chunkIds, workspaceId, docIds, contents],
      );
      await client.query(
        `insert into embeddings (id, workspace_id, chunk_id, model, dimensions, vector)
         select gen_random_uuid(), $2, c.id, $3, ${vectors[0]!.length}, c.v::vector
         from unnest($1::uuid[], $4::text[]) as c(id, v)`,
        [chunkIds, workspaceId, model, vectors.map((v) => `[${v.join(",")}]`)],
      );
      await client.query("commit");
    }
    const loadMs = nowMs() - t0;
    const t1 = nowMs();
    await client.query("set maintenance_work_mem = '1GB'");
    await client.query(`create index embeddings_hnsw_cosine_d256 on embeddings
      using hnsw ((vector::vector(256)) vector_cosine_ops) where dimensions = 256`);
    await client.query("analyze embeddings; analyze document_chunks; analyze documents");
    return { loadMs, indexMs: nowMs() - t1 };
  });
}

async function timeQueries(domain: Domain, ctx: OperationContext, queries: { text: string; vector: number[] }[], model: string, mode: "vector" | "hybrid"): Promise<{ ms: number[]; top: number[][] }> {
  const ms: number[] = [];
  const top: number[][] = [];
  for (const q of queries) {
    const started = nowMs();
    const hits = await domain.run(ctx, (op) => (mode === "vector" ? findSimilarChunks(op, { vector: q.vector, model, k: 10 }) : hybridSearchChunks(op, { text: q.text, vector: q.vector, model, k: 10 })));
    ms.push(nowMs() - started);
    top.push(hits.map((h) => h.score));
  }
  return { ms, top };
}

/** Latency at `chunks` chunks: the HNSW index against a sequential scan (the same query after dropping the index). */
async function benchLatency(domain: Domain, ctx: OperationContext, ownerUrl: string, userId: string, options: SearchBenchOptions): Promise<void> {
  const embeddings = createEmbeddings();
  const model = embeddingModelName(embeddings);
  const { loadMs, indexMs } = await loadChunks(ownerUrl, ctx.workspaceId!, userId, options.chunks, embeddings);
  line(`search     latency corpus: ${options.chunks} chunks in one workspace, loaded in ${Math.round(loadMs)} ms, HNSW index built in ${Math.round(indexMs)} ms`);
  const labelled = searchCorpus().queries;
  const queries = await Promise.all(
    Array.from({ length: options.latencyQueries }, async (_, i) => {
      const text = labelled[i % labelled.length]!.query;
      return { text, vector: await embeddings.embedQuery(text) };
    }),
  );
  await timeQueries(domain, ctx, queries.slice(0, 20), model, "vector"); // warm-up
  const hnsw = await timeQueries(domain, ctx, queries, model, "vector");
  // The slow variants get fewer queries, to keep the run within a couple of minutes.
  const slow = queries.slice(0, Math.max(10, Math.floor(queries.length * options.slowShare)));
  const hybrid = await timeQueries(domain, ctx, slow, model, "hybrid");
  await withOwner(ownerUrl, (client) => client.query("drop index embeddings_hnsw_cosine_d256"));
  await timeQueries(domain, ctx, slow.slice(0, 3), model, "vector"); // warm-up
  const scan = await timeQueries(domain, ctx, slow, model, "vector");
  // The exact top 10 comes from the scan; the share of the index's top 10 at least as close as the
  // exact 10th (templated passages tie, so ids alone would undercount).
  let found = 0;
  scan.top.forEach((exact, i) => {
    const tenth = exact.at(-1) ?? 1;
    found += (hnsw.top[i] ?? []).filter((s) => s >= tenth - 1e-6).length / Math.max(1, exact.length);
  });
  const annRecall = Math.round((found / scan.top.length) * 1000) / 1000;
  const h = summarize(hnsw.ms);
  const s = summarize(scan.ms);
  const y = summarize(hybrid.ms);
  const variant = `${options.chunks} chunks, k=10`;
  emit({ bench: "search", variant, metric: "vector p50", spine: h.p50, baseline: s.p50, ratio: ratio(h.p50, s.p50), unit: "ms", extra: { spine: "HNSW", baseline: "sequential scan" } });
  emit({ bench: "search", variant, metric: "vector p99", spine: h.p99, baseline: s.p99, ratio: ratio(h.p99, s.p99), unit: "ms", extra: { spine: "HNSW", baseline: "sequential scan" } });
  line(`search     ${variant}: hybrid (HNSW + GIN, fused) p50=${y.p50} ms p99=${y.p99} ms; HNSW recall@10 against the exact scan = ${annRecall}`);
  json({ variant: "latency", chunks: options.chunks, queries: queries.length, slow_queries: slow.length, hnsw_ms: h, scan_ms: s, hybrid_ms: y, hnsw_recall_at_10_vs_exact: annRecall, load_ms: Math.round(loadMs), index_build_ms: Math.round(indexMs) });
}

/**
 * `pnpm bench search`: retrieval quality on the labelled corpus (recall@5, MRR@10 for keyword,
 * vector and hybrid; with the offline embeddings, and with the configured OpenAI-compatible
 * embeddings when SPINE_EMBEDDINGS_PROVIDER=openai-compatible), then search latency at
 * `chunks` chunks with the HNSW index against a sequential scan.
 */
export async function benchSearch(options: SearchBenchOptions): Promise<void> {
  const settings = parseAiSettings(process.env);
  const models: EmbeddingsInterface[] = [createEmbeddings()];
  if (settings.embeddings.provider !== "offline") models.push(createEmbeddings(settings.embeddings));
  const env = await createBenchEnv(models.length + 1);
  const domain = await Domain.create({ clientUrl: env.db.appUrl, systemUrl: env.db.systemUrl });
  const ctxOf = (workspaceId: string): OperationContext => ({ workspaceId, actorId: env.userId, actorType: "user", correlationId: `bench-search-${env.runId}` });
  try {
    for (const [i, embeddings] of models.entries()) await benchQuality(domain, ctxOf(env.workspaceIds[i]!), embeddings);
    await benchLatency(domain, ctxOf(env.workspaceIds[models.length]!), env.db.ownerUrl, env.userId, options);
  } finally {
    await domain.close();
    await env.close();
  }
}
