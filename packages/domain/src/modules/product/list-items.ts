import type { FilterQuery } from "@mikro-orm/core";
import type { Operation } from "../../operation/operation.ts";
import { Item } from "./entities.ts";
import { findDeletedProjectIds } from "./deleted-project-ids.ts";
import { findProject } from "./find-project.ts";
import type { TItemStatus } from "./item-status.ts";
import { pageOf, type Page } from "../../shared/page.ts";

export interface ListItemsQuery {
  projectId?: string | undefined;
  status?: TItemStatus | undefined;
  includeDeleted?: boolean | undefined;
  cursor?: string | undefined;
  limit: number;
}

/**
 * Items of the workspace or of one project, newest first. Without `includeDeleted`, deleted items and
 * items of deleted projects are left out (and the project must be live).
 */
export async function listItems(op: Operation, query: ListItemsQuery): Promise<Page<Item>> {
  const where: FilterQuery<Item> = {};
  if (query.projectId) {
    where.projectId = (await findProject(op, query.projectId, { includeDeleted: query.includeDeleted ?? false })).id;
  } else if (!query.includeDeleted) {
    const deletedProjects = await findDeletedProjectIds(op);
    if (deletedProjects.length > 0) where.projectId = { $nin: deletedProjects };
  }
  if (query.status) where.status = query.status;
  if (query.cursor) where.id = { $lt: query.cursor };
  const rows = await op.em.find(Item, where, { orderBy: { id: "desc" }, limit: query.limit + 1, filters: { notDeleted: !query.includeDeleted } });
  return pageOf(rows, query.limit);
}
