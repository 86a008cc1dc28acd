import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";

/** An integration's health for the operator console: deliveries, processing and sync. */
export interface IntegrationHealth {
  integrationId: string;
  provider: string;
  name: string;
  status: string;
  lastDeliveryAt: Date | null;
  lastProcessedAt: Date | null;
  lastProcessingFailedAt: Date | null;
  lastProcessingError: string | null;
  /** Stored inbound events by processing status. */
  events: { received: number; processed: number; ignored: number; failed: number };
  sync: {
    state: string;
    requestedAt: Date | null;
    lastStartedAt: Date | null;
    lastSucceededAt: Date | null;
    lastFailedAt: Date | null;
    lastError: string | null;
    consecutiveFailures: number;
    /** The incremental sync's position (the provider's `since`), null before the first sync. */
    cursor: string | null;
  };
}

interface HealthRow {
  id: string;
  provider: string;
  name: string;
  status: string;
  last_delivery_at: Date | null;
  last_processed_at: Date | null;
  last_processing_failed_at: Date | null;
  last_processing_error: string | null;
  sync_state: string;
  sync_cursor: string | null;
  sync_requested_at: Date | null;
  last_sync_started_at: Date | null;
  last_sync_at: Date | null;
  last_sync_failed_at: Date | null;
  last_sync_error: string | null;
  consecutive_sync_failures: number;
  received: string;
  processed: string;
  ignored: string;
  failed: string;
}

const HEALTH = `select i.id, i.provider, i.name, i.status, i.last_delivery_at, i.last_processed_at, i.last_processing_failed_at,
    i.last_processing_error, i.sync_state, i.sync_cursor, i.sync_requested_at, i.last_sync_started_at, i.last_sync_at,
    i.last_sync_failed_at, i.last_sync_error, i.consecutive_sync_failures,
    count(e.id) filter (where e.status = 'received') as received, count(e.id) filter (where e.status = 'processed') as processed,
    count(e.id) filter (where e.status = 'ignored') as ignored, count(e.id) filter (where e.status = 'failed') as failed
  from integrations i left join integration_events e on e.integration_id = i.id and e.workspace_id = i.workspace_id
  where i.id = ? and i.deleted_at is null group by i.id`;

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

/** The health of one live integration of the operation's workspace (NOT_FOUND otherwise). A read: no gate. */
export async function getIntegrationHealth(op: Operation, integrationId: string): Promise<IntegrationHealth> {
  const [r] = await op.em.execute<HealthRow[]>(HEALTH, [integrationId]);
  if (!r) throw AppError.notFound("integration", integrationId);
  return {
    integrationId: r.id, provider: r.provider, name: r.name, status: r.status,
    lastDeliveryAt: date(r.last_delivery_at), lastProcessedAt: date(r.last_processed_at),
    lastProcessingFailedAt: date(r.last_processing_failed_at), lastProcessingError: r.last_processing_error,
    events: { received: Number(r.received), processed: Number(r.processed), ignored: Number(r.ignored), failed: Number(r.failed) },
    sync: {
      state: r.sync_state, requestedAt: date(r.sync_requested_at), lastStartedAt: date(r.last_sync_started_at),
      lastSucceededAt: date(r.last_sync_at), lastFailedAt: date(r.last_sync_failed_at), lastError: r.last_sync_error,
      consecutiveFailures: r.consecutive_sync_failures, cursor: r.sync_cursor,
    },
  };
}
