import { createSearchDocumentsTool, createWorkspaceTools, runAgent } from "@spine/ai";
import { findAgentRun, listToolCalls, recordActivity, type OperationContext } from "@spine/domain";
import { toAgentRunDto, ZAgentRunSchema } from "../../dto/agent.dto.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { chatModelOf, embeddingsOf } from "./agent-models.ts";
import { ZRunAgentRequestSchema } from "./agent.types.ts";
import { isRunPending, releaseRunKey, RUN_PENDING, runInProgress, storeRunResponse } from "./run-idempotency.ts";

/**
 * Run the agent on a thread and answer with the recorded run and its tool calls. Authorisation
 * (and the Idempotency-Key claim) commit first; each run step then commits on its own, carrying the
 * request's correlation id into agent.* events. A model or tool failure is a `failed` run, not an error.
 */
export const runAgentRoute = workspaceProcedure("agents.run", ZRunAgentRequestSchema)
  .output(ZAgentRunSchema)
  .mutation(async ({ ctx, input }) => {
    let claimed = false;
    const prior = await ctx.run(async () => {
      claimed = true;
      return RUN_PENDING;
    });
    if (!claimed) {
      if (isRunPending(prior)) throw runInProgress();
      return ZAgentRunSchema.parse(prior);
    }
    const { domain } = ctx.deps;
    const opCtx: OperationContext = { workspaceId: ctx.workspaceId, actorId: ctx.user.id, actorType: "user", correlationId: ctx.correlationId };
    const key = ctx.idempotency?.key;
    try {
      const embeddings = embeddingsOf(ctx.deps.ai);
      const result = await runAgent(domain, opCtx, {
        threadId: input.threadId, input: input.message, model: chatModelOf(ctx.deps.ai),
        // Every tool acts as the caller, with the caller's permissions.
        tools: [createSearchDocumentsTool({ domain, ctx: opCtx, embeddings }), ...createWorkspaceTools({ domain, ctx: opCtx })],
        ...(input.maxSteps === undefined ? {} : { maxSteps: input.maxSteps }),
      });
      if (result.status === "failed") ctx.log.warn({ run_id: result.runId, error: result.error }, "agent run failed");
      return await domain.run(opCtx, async (op) => {
        const run = await findAgentRun(op, result.runId);
        const dto = toAgentRunDto(run, await listToolCalls(op, run.id));
        recordActivity(op, { verb: "ran", targetType: "agent_run", targetId: run.id, summary: `ran the agent (${run.status})`, data: { thread_id: run.threadId } });
        if (key) await storeRunResponse(op, ctx.user.id, key, dto);
        return dto;
      });
    } catch (err) {
      if (key) await domain.run(opCtx, (op) => releaseRunKey(op, ctx.user.id, key));
      throw err;
    }
  });
