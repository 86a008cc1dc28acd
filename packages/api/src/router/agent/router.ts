import type { TRPCRouterRecord } from "@trpc/server";
import { createAgentThread, deleteAgentThread, listAgentRuns, listAgentThreads, restoreAgentThread } from "@spine/domain";
import { toAgentRunWithCallsDto, toAgentThreadDto, ZAgentRunSchema, ZAgentThreadSchema } from "../../dto/agent.dto.ts";
import { zPage } from "../../dto/common.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { ZCreateThreadRequestSchema, ZListRunsRequestSchema, ZListThreadsRequestSchema, ZThreadRefSchema } from "./agent.types.ts";
import { runAgentRoute } from "./run-agent.ts";
import { searchRoute } from "./search.ts";

export const agentRouter = {
  createThread: workspaceProcedure("agents.run", ZCreateThreadRequestSchema)
    .output(ZAgentThreadSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op) => toAgentThreadDto(await createAgentThread(op, input)))),
  listThreads: workspaceProcedure("agents.read", ZListThreadsRequestSchema)
    .output(zPage(ZAgentThreadSchema))
    .query(({ ctx, input }) =>
      ctx.run(async (op) => {
        const page = await listAgentThreads(op, input);
        return { items: page.items.map(toAgentThreadDto), nextCursor: page.nextCursor };
      }),
    ),
  deleteThread: workspaceProcedure("agents.run", ZThreadRefSchema)
    .output(ZAgentThreadSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op) => toAgentThreadDto(await deleteAgentThread(op, input.threadId)))),
  restoreThread: workspaceProcedure("agents.run", ZThreadRefSchema)
    .output(ZAgentThreadSchema)
    .mutation(({ ctx, input }) => ctx.run(async (op) => toAgentThreadDto(await restoreAgentThread(op, input.threadId)))),
  run: runAgentRoute,
  /** Runs of one thread, newest first, each with its tool calls in order. */
  listRuns: workspaceProcedure("agents.read", ZListRunsRequestSchema)
    .output(zPage(ZAgentRunSchema))
    .query(({ ctx, input }) =>
      ctx.run(async (op) => {
        const page = await listAgentRuns(op, input);
        return { items: page.items.map(toAgentRunWithCallsDto), nextCursor: page.nextCursor };
      }),
    ),
  search: searchRoute,
} satisfies TRPCRouterRecord;
