import type { FilterQuery } from "@mikro-orm/core";
import type { Operation } from "../../operation/operation.ts";
import { NOT_DELETED_FILTER } from "../../shared/common-props.ts";
import { pageOf, type Page } from "../../shared/page.ts";
import { Integration } from "./entities.ts";
import { toIntegrationView, type IntegrationView } from "./integration-view.ts";

export interface ListIntegrationsQuery {
  provider?: string | undefined;
  includeDeleted?: boolean | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Integrations of the workspace, newest first, as views (secrets reduced to whether they are set). */
export async function listIntegrations(op: Operation, query: ListIntegrationsQuery): Promise<Page<IntegrationView>> {
  const where: FilterQuery<Integration> = {};
  if (query.provider) where.provider = query.provider;
  if (query.cursor) where.id = { $lt: query.cursor };
  const rows = await op.em.find(Integration, where, {
    orderBy: { id: "desc" }, limit: query.limit + 1, filters: { [NOT_DELETED_FILTER]: !query.includeDeleted },
  });
  const page = pageOf(rows, query.limit);
  return { items: page.items.map(toIntegrationView), nextCursor: page.nextCursor };
}
