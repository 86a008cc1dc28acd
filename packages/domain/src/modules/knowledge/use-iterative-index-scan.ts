import type { Operation } from "../../operation/operation.ts";

/**
 * Let an HNSW scan keep searching while the tenant and document filters discard candidates
 * (pgvector ≥ 0.8), so a small workspace in a large table still gets k results. Transaction-local.
 */
export async function useIterativeIndexScan(op: Operation): Promise<void> {
  await op.em.execute(`select set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', '100', true)`);
}
