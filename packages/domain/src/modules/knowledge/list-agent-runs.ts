import type { FilterQuery } from "@mikro-orm/core";
import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { NOT_DELETED_FILTER } from "../../shared/common-props.ts";
import { pageOf, type Page } from "../../shared/page.ts";
import { AgentRun, AgentThread, ToolCall } from "./entities.ts";

export interface AgentRunWithToolCalls {
  run: AgentRun;
  toolCalls: ToolCall[];
}

export interface ListAgentRunsQuery {
  threadId: string;
  cursor?: string | undefined;
  limit: number;
}

/** Runs of one thread of the workspace (deleted threads too), newest first, each with its tool calls in order. */
export async function listAgentRuns(op: Operation, query: ListAgentRunsQuery): Promise<Page<AgentRunWithToolCalls>> {
  const thread = await op.em.findOne(AgentThread, { id: query.threadId }, { filters: { [NOT_DELETED_FILTER]: false } });
  if (!thread) throw AppError.notFound("agent thread", query.threadId);
  const where: FilterQuery<AgentRun> = { threadId: thread.id };
  if (query.cursor) where.id = { $lt: query.cursor };
  const page = pageOf(await op.em.find(AgentRun, where, { orderBy: { id: "desc" }, limit: query.limit + 1 }), query.limit);
  const calls = page.items.length === 0 ? [] : await op.em.find(ToolCall, { runId: { $in: page.items.map((r) => r.id) } }, { orderBy: { ordinal: "asc" } });
  return { items: page.items.map((run) => ({ run, toolCalls: calls.filter((c) => c.runId === run.id) })), nextCursor: page.nextCursor };
}
