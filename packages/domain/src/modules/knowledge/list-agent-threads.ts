import type { FilterQuery } from "@mikro-orm/core";
import type { Operation } from "../../operation/operation.ts";
import { NOT_DELETED_FILTER } from "../../shared/common-props.ts";
import { pageOf, type Page } from "../../shared/page.ts";
import { AgentThread } from "./entities.ts";

export interface ListAgentThreadsQuery {
  includeDeleted?: boolean | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Agent threads of the workspace, newest first. */
export async function listAgentThreads(op: Operation, query: ListAgentThreadsQuery): Promise<Page<AgentThread>> {
  const where: FilterQuery<AgentThread> = query.cursor ? { id: { $lt: query.cursor } } : {};
  const rows = await op.em.find(AgentThread, where, {
    orderBy: { id: "desc" }, limit: query.limit + 1, filters: { [NOT_DELETED_FILTER]: !query.includeDeleted },
  });
  return pageOf(rows, query.limit);
}
