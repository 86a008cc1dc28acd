import type { Operation } from "../../context/operation.ts";
import { findIntegration } from "./find-integration.ts";

/** A sync with the provider failed: mark the integration (audited) and announce integration.sync_failed. */
export async function recordSyncFailure(op: Operation, input: { integrationId: string; error: string; attempt: number }): Promise<void> {
  const integration = await findIntegration(op, input.integrationId);
  integration.status = "error";
  await op.em.flush();
  op.emit("integration.sync_failed", {
    integration_id: integration.id,
    provider: integration.provider,
    error: input.error.slice(0, 2000),
    attempt: input.attempt,
  });
}
