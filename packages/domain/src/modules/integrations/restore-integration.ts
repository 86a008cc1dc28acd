import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { findIntegration } from "./find-integration.ts";
import { toIntegrationView, type IntegrationView } from "./integration-view.ts";

/** Undo a disconnect; conflicts if another live integration took the same provider and name meanwhile. */
export async function restoreIntegration(op: Operation, integrationId: string): Promise<IntegrationView> {
  const integration = await findIntegration(op, integrationId, { includeDeleted: true });
  if (!integration.deletedAt) throw AppError.precondition("integration is not disconnected");
  integration.deletedAt = null;
  integration.status = "connected";
  await op.em.flush();
  op.emit("integration.connected", { integration_id: integration.id, provider: integration.provider });
  return toIntegrationView(integration);
}
