import { defineHandler, type EnvelopeFor, type Tx } from "@spine/bus";
import { createEnvelope, subjectFor } from "@spine/contracts";
import { newId, USAGE_WINDOWS, windowStart, type UsageWindow } from "@spine/domain";

/** Domain events the worker meters, and the usage metric each one counts. */
export const METERED_EVENT_TYPES = ["project.created", "item.created", "document.created", "agent.run.started"] as const;
type MeteredEventType = (typeof METERED_EVENT_TYPES)[number];
export const METRIC_OF: Readonly<Record<MeteredEventType, string>> = {
  "project.created": "projects",
  "item.created": "items",
  "document.created": "documents",
  "agent.run.started": "agent_runs",
};

interface CounterRow {
  id: string;
  window: UsageWindow;
  value: string;
}

// One statement counts the event in every window (day and month, as the domain's incrementUsage does):
// concurrent increments serialise on the counter rows and none is lost.
const INCREMENT = `insert into usage_counters (id, workspace_id, metric, "window", window_start, value)
  select w.id, $1, $2, w."window", w.window_start, 1
  from unnest($3::uuid[], $4::text[], $5::timestamptz[]) as w(id, "window", window_start)
  on conflict (workspace_id, metric, "window", window_start)
  do update set value = usage_counters.value + 1, updated_at = now()
  returning id, "window", value::text as value`;
// The window's crossing is claimed once: only the transaction that flips limit_reached_at announces it.
const CLAIM_CROSSING = `update usage_counters set limit_reached_at = now() where id = $1 and limit_reached_at is null returning id`;

async function announceLimitReached(
  tx: Tx,
  cause: EnvelopeFor<MeteredEventType>,
  payload: { metric: string; limit: number; value: number; window: UsageWindow; window_start: string },
): Promise<void> {
  const envelope = createEnvelope({
    type: "usage.limit_reached",
    payload,
    workspaceId: cause.workspace_id,
    actorId: cause.actor_id,
    correlationId: cause.correlation_id,
  });
  await tx.query("insert into outbox (id, workspace_id, event_type, subject, envelope) values ($1, $2, $3, $4, $5)", [
    envelope.event_id, envelope.workspace_id, envelope.event_type, subjectFor(envelope.workspace_id, envelope.event_type), JSON.stringify(envelope),
  ]);
}

/**
 * Usage metering: each metered event counts once in its workspace's usage counters for the windows
 * containing the event's `occurred_at` (the current ones for live events; a late replay counts where
 * the event happened). When a usage policy for the metric exists and the count reaches its limit, one
 * `usage.limit_reached` envelope goes to the outbox, once per window. The counters and the outbox row
 * commit with the handler's `job_runs` row, so a redelivered or duplicate event changes nothing.
 */
export const usageMeteringHandler = defineHandler({
  name: "usage-metering",
  eventTypes: METERED_EVENT_TYPES,
  async handle(envelope, { tx, logger }) {
    const metric = METRIC_OF[envelope.event_type];
    const at = new Date(envelope.occurred_at);
    const starts = USAGE_WINDOWS.map((w) => windowStart(w, at));
    const counters = await tx.query<CounterRow>(INCREMENT, [
      envelope.workspace_id, metric, USAGE_WINDOWS.map(() => newId()), [...USAGE_WINDOWS], starts,
    ]);
    const policies = await tx.query<{ window: UsageWindow; limit_value: string }>(
      `select "window", limit_value::text as limit_value from usage_policies where metric = $1`,
      [metric],
    );
    for (const counter of counters.rows) {
      const policy = policies.rows.find((p) => p.window === counter.window);
      if (!policy) continue;
      const value = Number(counter.value);
      const limit = Number(policy.limit_value);
      if (value < limit) continue;
      const claimed = await tx.query(CLAIM_CROSSING, [counter.id]);
      if (claimed.rowCount === 0) continue;
      const start = starts[USAGE_WINDOWS.indexOf(counter.window)] ?? windowStart(counter.window, at);
      await announceLimitReached(tx, envelope, { metric, limit, value, window: counter.window, window_start: start.toISOString() });
      logger.info({ correlation_id: envelope.correlation_id, metric, window: counter.window, limit, value }, "usage limit reached");
    }
  },
});
