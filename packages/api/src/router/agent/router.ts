import type { TRPCRouterRecord } from "@trpc/server";
import { cancelAgentRun, createAgentThread, deleteAgentThread, listAgentRuns, listAgentThreads, listToolCalls, recordActivity, restoreAgentThread } from "@spine/domain";
import { toAgentRunDto, toAgentRunWithCallsDto, toAgentThreadDto, ZAgentRunSchema, ZAgentThreadSchema } from "../../dto/agent.dto.ts";
import { zPage } from "../../dto/common.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { ZCancelRunRequestSchema, ZCreateThreadRequestSchema, ZListRunsRequestSchema, ZListThreadsRequestSchema, ZThreadRefSchema } from "./agent.types.ts";
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
  /**
   * Cancel a queued or running run: it ends `failed` ("cancelled by the caller", agent.run.failed) at once
   * and its process stops before the next model call. PRECONDITION_FAILED once it has ended. Allowed
   * while the workspace's access is inactive: stopping work is never blocked.
   */
  cancel: workspaceProcedure("agents.run", ZCancelRunRequestSchema, { allowInactiveAccess: true })
    .output(ZAgentRunSchema)
    .mutation(({ ctx, input }) =>
      ctx.run(async (op) => {
        const run = await cancelAgentRun(op, input.runId);
        recordActivity(op, { verb: "cancelled", targetType: "agent_run", targetId: run.id, summary: "cancelled an agent run", data: { thread_id: run.threadId } });
        return toAgentRunDto(run, await listToolCalls(op, run.id));
      }),
    ),
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
