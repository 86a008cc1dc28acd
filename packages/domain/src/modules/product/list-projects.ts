import type { FilterQuery } from "@mikro-orm/core";
import type { Operation } from "../../operation/operation.ts";
import { Project } from "./entities.ts";
import { pageOf, type Page } from "../../shared/page.ts";

export interface ListProjectsQuery {
  search?: string | undefined;
  includeDeleted?: boolean | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Projects of the workspace, newest first; `search` matches the name, case-insensitively. */
export async function listProjects(op: Operation, query: ListProjectsQuery): Promise<Page<Project>> {
  const where: FilterQuery<Project> = {};
  if (query.search) where.name = { $ilike: `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` };
  if (query.cursor) where.id = { $lt: query.cursor };
  const rows = await op.em.find(Project, where, { orderBy: { id: "desc" }, limit: query.limit + 1, filters: { notDeleted: !query.includeDeleted } });
  return pageOf(rows, query.limit);
}
