import { defineHandler } from "@spine/bus";
import { newId, USAGE_WINDOWS, windowStart } from "@spine/domain";

/** Domain events the worker meters, and the usage metric each one counts. */
export const METERED_EVENT_TYPES = ["project.created", "item.created", "document.created", "agent.run.started"] as const;
type MeteredEventType = (typeof METERED_EVENT_TYPES)[number];
export const METRIC_OF: Readonly<Record<MeteredEventType, string>> = {
  "project.created": "projects",
  "item.created": "items",
  "document.created": "documents",
  "agent.run.started": "agent_runs",
};

// One statement counts the event in every window that has no policy on the metric: a window with a
// policy is counted by the write itself (the domain's consumeUsage), in the write's own transaction.
const INCREMENT = `insert into usage_counters (id, workspace_id, metric, "window", window_start, value)
  select w.id, $1, $2, w."window", w.window_start, 1
  from unnest($3::uuid[], $4::text[], $5::timestamptz[]) as w(id, "window", window_start)
  where not exists (select 1 from usage_policies p where p.workspace_id = $1 and p.metric = $2 and p."window" = w."window")
  on conflict (workspace_id, metric, "window", window_start)
  do update set value = usage_counters.value + 1, updated_at = now()`;

/**
 * Usage metering for windows without a policy: each metered event counts once in its workspace's
 * usage counters for the windows containing the event's `occurred_at` that have no usage policy on
 * the metric (those are counted, limited and announced by the write itself, in its transaction, so
 * a workspace without policies takes no counter lock on its write path). The counters commit with
 * the handler's `job_runs` row, so a redelivered or duplicate event changes nothing.
 */
export const usageMeteringHandler = defineHandler({
  name: "usage-metering",
  eventTypes: METERED_EVENT_TYPES,
  async handle(envelope, { tx }) {
    const metric = METRIC_OF[envelope.event_type];
    const at = new Date(envelope.occurred_at);
    await tx.query(INCREMENT, [
      envelope.workspace_id, metric, USAGE_WINDOWS.map(() => newId()), [...USAGE_WINDOWS], USAGE_WINDOWS.map((w) => windowStart(w, at)),
    ]);
  },
});
