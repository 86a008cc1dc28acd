import { createSearchDocumentsTool, createWorkspaceTools, runAgent, type AgentRunResult } from "@spine/ai";
import type { TAgentStreamStep } from "@spine/contracts";
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
 * With `stream: true` the answer is the queued run, at once; the run goes on in this process and its
 * live steps (tokens, tool calls, end) are published for the gateway's `agent.watch`.
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
    const opCtx: OperationContext = { workspaceId: ctx.workspaceId, actorId: ctx.userId, actorType: "user", correlationId: ctx.correlationId };
    const key = ctx.idempotency?.key;
    const record = (runId: string, store: boolean) =>
      domain.run(opCtx, async (op) => {
        const run = await findAgentRun(op, runId);
        const dto = toAgentRunDto(run, await listToolCalls(op, run.id));
        if (run.status === "completed" || run.status === "failed") {
          recordActivity(op, { verb: "ran", targetType: "agent_run", targetId: run.id, summary: `ran the agent (${run.status})`, data: { thread_id: run.threadId } });
        }
        if (store && key) await storeRunResponse(op, ctx.userId, key, dto);
        return dto;
      });
    try {
      const embeddings = embeddingsOf(ctx.deps.ai);
      const publisher = ctx.deps.agentStream;
      let seq = 0;
      let queuedId: (id: string) => void = () => undefined;
      const queued = new Promise<string>((resolve) => { queuedId = resolve; });
      let runId: string | null = null;
      const publish = (step: TAgentStreamStep) => {
        if (!publisher || runId === null) return;
        seq += 1;
        publisher.publish({ workspace_id: ctx.workspaceId, run_id: runId, seq, ...step } as Parameters<typeof publisher.publish>[0]);
      };
      const finished: Promise<AgentRunResult> = runAgent(domain, opCtx, {
        threadId: input.threadId, input: input.message, model: chatModelOf(ctx.deps.ai),
        // Every tool acts as the caller, with the caller's permissions.
        tools: [createSearchDocumentsTool({ domain, ctx: opCtx, embeddings }), ...createWorkspaceTools({ domain, ctx: opCtx })],
        ...(input.maxSteps === undefined ? {} : { maxSteps: input.maxSteps }),
        onQueued: (id) => { runId = id; queuedId(id); },
        onStep: publish,
      });
      const logFailure = (result: AgentRunResult) => {
        if (result.status === "failed") ctx.log.warn({ user_id: ctx.userId, run_id: result.runId, error: result.error }, "agent run failed");
      };
      if (input.stream) {
        // Answer with the queued run; the run goes on. A run that cannot even be queued throws here.
        const id = await Promise.race([queued, finished.then((r) => r.runId)]);
        finished.then(async (result) => { logFailure(result); await record(result.runId, false); }).catch((err: unknown) => ctx.log.error({ err, user_id: ctx.userId, run_id: id }, "agent run stopped recording"));
        return await record(id, true);
      }
      const result = await finished;
      logFailure(result);
      return await record(result.runId, true);
    } catch (err) {
      if (key) await domain.run(opCtx, (op) => releaseRunKey(op, ctx.userId, key));
      throw err;
    }
  });
