import { meterUsageEvent } from "@spine/domain";
import { defineWorkerHandler } from "../wiring.ts";

/** Domain events the worker meters, and the usage metric each one counts. */
export const METERED_EVENT_TYPES = [
  "project.created", "item.created", "document.created", "agent.run.started", "agent.run.completed", "agent.run.failed", "agent.tool.called",
] as const;
type MeteredEventType = (typeof METERED_EVENT_TYPES)[number];
export const METRIC_OF: Readonly<Record<MeteredEventType, string>> = {
  "project.created": "projects",
  "item.created": "items",
  "document.created": "documents",
  "agent.run.started": "agent_runs",
  // A run's end carries the tokens its model calls reported.
  "agent.run.completed": "agent_tokens",
  "agent.run.failed": "agent_tokens",
  "agent.tool.called": "agent_tool_calls",
};

/**
 * Usage metering for windows without a policy: each metered event counts once (a run's end counts its tokens), through the domain's
 * `meterUsageEvent`, in its workspace's usage counters for the windows containing the event's
 * `occurred_at` that have no usage policy on the metric (those are counted, limited and announced by
 * the write itself, in its transaction). The counters commit in the handler's operation with its
 * `job_runs` row, so a redelivered or duplicate event changes nothing. Batched: up to 100 waiting events of
 * a workspace share one transaction (`handler.batch`), each with its own `job_runs` row.
 */
export const usageMeteringHandler = defineWorkerHandler({
  name: "usage-metering",
  eventTypes: METERED_EVENT_TYPES,
  // Every write meters; waiting events of a workspace are counted in one transaction (each still once).
  batch: { max: 100 },
  async handle(envelope, { op }) {
    const amount = envelope.event_type === "agent.run.completed" || envelope.event_type === "agent.run.failed" ? (envelope.payload.tokens ?? 0) : 1;
    await meterUsageEvent(op, { metric: METRIC_OF[envelope.event_type], at: new Date(envelope.occurred_at), amount });
  },
});
