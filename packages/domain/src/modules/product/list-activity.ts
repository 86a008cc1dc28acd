import type { FilterQuery } from "@mikro-orm/core";
import type { Operation } from "../../operation/operation.ts";
import { ActivityLog } from "../../platform/entities.ts";
import { pageOf, type Page } from "../../shared/page.ts";

/** The workspace's (or one project's) activity feed, newest first. */
export async function listActivity(op: Operation, query: { projectId?: string | undefined; cursor?: string | undefined; limit: number }): Promise<Page<ActivityLog>> {
  const where: FilterQuery<ActivityLog> = {};
  if (query.projectId) where.projectId = query.projectId;
  if (query.cursor) where.id = { $lt: query.cursor };
  return pageOf(await op.em.find(ActivityLog, where, { orderBy: { id: "desc" }, limit: query.limit + 1 }), query.limit);
}
