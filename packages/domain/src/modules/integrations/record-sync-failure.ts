import type { Operation } from "../../operation/operation.ts";
import { findIntegration } from "./find-integration.ts";
import { DEFAULT_DISABLE_AFTER_FAILURES } from "./integration-sync.ts";

export interface SyncFailureResult {
  consecutiveFailures: number;
  /** Whether this failure disabled the integration. */
  disabled: boolean;
}

/**
 * A sync job failed for good (after its last attempt): the integration's status becomes `error`
 * (audited), the failure run grows, and `integration.sync_failed` announces it with the reason — once
 * per failed job, since the job's operation runs once. After `disableAfterFailures` (config, default 5)
 * consecutive failed jobs the integration is `disabled` (audited, integration.updated) and no longer
 * synced until `enableIntegration`.
 */
export async function recordSyncFailure(op: Operation, input: { integrationId: string; error: string; attempt: number }): Promise<SyncFailureResult> {
  const integration = await findIntegration(op, input.integrationId);
  const error = input.error.slice(0, 2000);
  const [row] = await op.em.execute<{ consecutive_sync_failures: number }[]>(
    `update integrations set sync_state = 'failed', last_sync_failed_at = now(), last_sync_error = ?,
       consecutive_sync_failures = consecutive_sync_failures + 1 where id = ? returning consecutive_sync_failures`,
    [error, integration.id],
  );
  const consecutiveFailures = row?.consecutive_sync_failures ?? 1;
  const configured = integration.config.disableAfterFailures;
  const threshold = typeof configured === "number" && Number.isInteger(configured) && configured >= 1 ? configured : DEFAULT_DISABLE_AFTER_FAILURES;
  const disabled = consecutiveFailures >= threshold && integration.status !== "disabled";
  integration.status = disabled ? "disabled" : integration.status === "disabled" ? "disabled" : "error";
  await op.em.flush();
  op.emit("integration.sync_failed", {
    integration_id: integration.id,
    provider: integration.provider,
    error,
    attempt: input.attempt,
  });
  if (disabled) {
    op.audit({
      action: "integration.auto_disabled", targetType: "integration", targetId: integration.id,
      changes: { after: { status: "disabled", consecutive_sync_failures: consecutiveFailures, last_sync_error: error } },
    });
    op.emit("integration.updated", { integration_id: integration.id, provider: integration.provider, changed_fields: ["status"] });
  }
  return { consecutiveFailures, disabled };
}
