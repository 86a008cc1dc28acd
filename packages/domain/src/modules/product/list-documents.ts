import type { FilterQuery } from "@mikro-orm/core";
import type { Operation } from "../../operation/operation.ts";
import { Document, type IngestionStatus } from "./entities.ts";
import { findDeletedProjectIds } from "./deleted-project-ids.ts";
import { findProject } from "./find-project.ts";
import { pageOf, type Page } from "../../shared/page.ts";

export interface ListDocumentsQuery {
  projectId?: string | undefined;
  ingestionStatus?: IngestionStatus | undefined;
  includeDeleted?: boolean | undefined;
  cursor?: string | undefined;
  limit: number;
}

/**
 * Documents of the workspace or of one project, newest first. Without `includeDeleted`, deleted
 * documents and documents of deleted projects are left out (and the project must be live).
 */
export async function listDocuments(op: Operation, query: ListDocumentsQuery): Promise<Page<Document>> {
  const where: FilterQuery<Document> = {};
  if (query.projectId) {
    where.projectId = (await findProject(op, query.projectId, { includeDeleted: query.includeDeleted ?? false })).id;
  } else if (!query.includeDeleted) {
    const deletedProjects = await findDeletedProjectIds(op);
    if (deletedProjects.length > 0) where.$or = [{ projectId: null }, { projectId: { $nin: deletedProjects } }];
  }
  if (query.ingestionStatus) where.ingestionStatus = query.ingestionStatus;
  if (query.cursor) where.id = { $lt: query.cursor };
  const rows = await op.em.find(Document, where, { orderBy: { id: "desc" }, limit: query.limit + 1, filters: { notDeleted: !query.includeDeleted } });
  return pageOf(rows, query.limit);
}
