import type { Operation } from "../../operation/operation.ts";
import { findIntegration } from "./find-integration.ts";
import { toIntegrationView, type IntegrationView } from "./integration-view.ts";

/** Disconnect = soft delete: the row (and its event history) stays until restored or purged. */
export async function disconnectIntegration(op: Operation, integrationId: string): Promise<IntegrationView> {
  const integration = await findIntegration(op, integrationId);
  integration.status = "disconnected";
  op.em.remove(integration);
  await op.em.flush();
  op.emit("integration.disconnected", { integration_id: integration.id, provider: integration.provider });
  return toIntegrationView(integration);
}
