import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { NOT_DELETED_FILTER } from "../../shared/common-props.ts";
import { Integration } from "./entities.ts";

/** An integration of the operation's workspace; disconnected (soft-deleted) ones only when asked for. */
export async function findIntegration(op: Operation, integrationId: string, options: { includeDeleted?: boolean } = {}): Promise<Integration> {
  const integration = await op.em.findOne(Integration, { id: integrationId }, { filters: { [NOT_DELETED_FILTER]: !options.includeDeleted } });
  if (!integration) throw AppError.notFound("integration", integrationId);
  return integration;
}
