import type { Operation } from "../../operation/operation.ts";
import { Integration } from "./entities.ts";
import { resealIntegration } from "./integration-secrets.ts";

/** Workspaces that hold integrations (connected or disconnected), for `spine keys rotate`. Needs the system role. */
export async function listWorkspacesWithIntegrations(op: Operation): Promise<string[]> {
  const rows = await op.em.execute<{ workspace_id: string }[]>("select distinct workspace_id from integrations order by workspace_id");
  return rows.map((r) => r.workspace_id);
}

export interface ResealBatchResult {
  scanned: number;
  resealed: number;
  /** Pass as `afterId` for the next batch; null when the workspace is done. */
  nextAfterId: string | null;
}

/**
 * One batch of key rotation in the operation's workspace: every integration (disconnected ones
 * too) whose secrets are plaintext or sealed with an older key is sealed again with the active key.
 * Each changed integration gets its `integration.updated` audit row (secrets redacted) from the unit
 * of work. Idempotent: a second pass finds nothing to do.
 */
export async function resealIntegrationBatch(op: Operation, input: { batchSize: number; afterId?: string | null }): Promise<ResealBatchResult> {
  const batch = await op.em.find(
    Integration,
    input.afterId ? { id: { $gt: input.afterId } } : {},
    { orderBy: { id: "asc" }, limit: input.batchSize, filters: { notDeleted: false } },
  );
  let resealed = 0;
  for (const integration of batch) if (resealIntegration(op, integration)) resealed++;
  await op.em.flush();
  return { scanned: batch.length, resealed, nextAfterId: batch.length === input.batchSize ? batch[batch.length - 1]!.id : null };
}
