import type { NatsConnection } from "@nats-io/transport-node";
import type { AgentStreamPublisher } from "@spine/api";
import { agentStreamSubject } from "@spine/contracts";
import type { Logger } from "pino";

/**
 * Live agent-run steps on core NATS (`astream.<workspace>.<run>`; the `api` NATS user may publish
 * there and nowhere else). Fire and forget: nothing is stored, a lost step is not retried — the run's
 * record and its agent.* events are the durable part.
 */
export function natsAgentStreamPublisher(nc: NatsConnection, logger: Logger): AgentStreamPublisher {
  return {
    publish(chunk) {
      try {
        nc.publish(agentStreamSubject(chunk.workspace_id, chunk.run_id), JSON.stringify(chunk));
      } catch (err) {
        logger.warn({ err, run_id: chunk.run_id }, "agent stream step not published");
      }
    },
  };
}
