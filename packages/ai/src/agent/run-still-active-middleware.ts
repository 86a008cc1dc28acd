import { createMiddleware } from "langchain";
import { findAgentRun, type Domain, type OperationContext } from "@spine/domain";
import { AgentRunError } from "./agent-run-error.ts";

/**
 * Agent middleware that stops a run that has ended elsewhere — cancelled by the caller
 * (`agent.cancel`) or failed by the abandoned-run sweep — before its next model call, so nothing
 * more is spent or recorded for it.
 */
export function runStillActiveMiddleware(options: { domain: Domain; ctx: OperationContext; runId: string }) {
  return createMiddleware({
    name: "SpineRunStillActive",
    beforeModel: async () => {
      const run = await options.domain.run(options.ctx, (op) => findAgentRun(op, options.runId));
      if (run.status !== "running") throw new AgentRunError(`the run was ended while it ran: ${run.error ?? run.status}`);
    },
  });
}
