import type { FilterQuery } from "@mikro-orm/core";
import type { Operation } from "../../context/operation.ts";
import { Document } from "./entities.ts";
import { findProject } from "./find-project.ts";
import { pageOf, type Page } from "./page.ts";

export interface ListDocumentsQuery {
  projectId?: string | undefined;
  ingestionStatus?: string | undefined;
  includeDeleted?: boolean | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Documents of the workspace or of one live project, newest first. */
export async function listDocuments(op: Operation, query: ListDocumentsQuery): Promise<Page<Document>> {
  const where: FilterQuery<Document> = {};
  if (query.projectId) where.projectId = (await findProject(op, query.projectId)).id;
  if (query.ingestionStatus) where.ingestionStatus = query.ingestionStatus;
  if (query.cursor) where.id = { $lt: query.cursor };
  const rows = await op.em.find(Document, where, { orderBy: { id: "desc" }, limit: query.limit + 1, filters: { notDeleted: !query.includeDeleted } });
  return pageOf(rows, query.limit);
}
