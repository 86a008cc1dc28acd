import { defineHandler, type EnvelopeFor } from "@spine/bus";

const FEED_EVENTS = [
  "project.created", "project.updated", "project.deleted", "project.restored",
  "item.created", "item.updated", "item.deleted", "item.restored",
] as const;

interface FeedEntry {
  projectId: string | null;
  targetType: "project" | "item";
  targetId: string;
  summary: string;
}

function feedEntryOf(envelope: EnvelopeFor<(typeof FEED_EVENTS)[number]>): FeedEntry {
  const verb = envelope.event_type.split(".")[1] ?? "changed";
  switch (envelope.event_type) {
    case "project.created":
      return { projectId: envelope.payload.project_id, targetType: "project", targetId: envelope.payload.project_id, summary: `Project "${envelope.payload.name}" created` };
    case "project.updated":
    case "project.deleted":
    case "project.restored":
      return { projectId: envelope.payload.project_id, targetType: "project", targetId: envelope.payload.project_id, summary: `Project ${verb}` };
    case "item.created":
      return { projectId: envelope.payload.project_id, targetType: "item", targetId: envelope.payload.item_id, summary: `Item "${envelope.payload.title}" created` };
    case "item.updated":
      return { projectId: envelope.payload.project_id, targetType: "item", targetId: envelope.payload.item_id, summary: "Item updated" };
    case "item.deleted":
    case "item.restored":
      return { projectId: envelope.payload.project_id, targetType: "item", targetId: envelope.payload.item_id, summary: `Item ${verb}` };
  }
}

/**
 * The activity feed projection: one `activity_logs` row per project or item event. It runs as the
 * app role in the event's workspace, and its row commits with its `job_runs` row: exactly once.
 */
export const activityFeedHandler = defineHandler({
  name: "activity-feed",
  eventTypes: FEED_EVENTS,
  async handle(envelope, { tx }) {
    const entry = feedEntryOf(envelope);
    await tx.query(
      `insert into activity_logs (id, workspace_id, project_id, actor_id, verb, target_type, target_id, summary, data,
                                  correlation_id, occurred_at)
       values (gen_random_uuid(), spine_current_workspace(), $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        entry.projectId, envelope.actor_id, envelope.event_type, entry.targetType, entry.targetId, entry.summary,
        JSON.stringify({ event_id: envelope.event_id, payload: envelope.payload }), envelope.correlation_id, envelope.occurred_at,
      ],
    );
  },
});
