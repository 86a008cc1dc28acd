import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import type { TEnvelope } from "@spine/contracts";
import type { ActorType } from "../context/operation-context.ts";
import { idProp, startsNull, tenantFilter, tenantProp } from "../shared/common-props.ts";

export interface AuditChanges {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}
export const AuditLog = defineEntity({
  name: "AuditLog",
  tableName: "audit_logs",
  properties: {
    ...idProp, ...tenantProp,
    actorId: startsNull(p.uuid().nullable()),
    actorType: p.string().$type<ActorType>(),
    action: p.string(),
    targetType: p.string(),
    targetId: startsNull(p.uuid().nullable()),
    changes: p.json<AuditChanges>().onCreate(() => ({})),
    correlationId: p.string(),
    occurredAt: p.datetime().onCreate(() => new Date()),
  },
  filters: { ...tenantFilter },
});
export type AuditLog = InferEntity<typeof AuditLog>;

/** A committed event waiting for (or kept after) publication. `id` is the envelope's event_id. */
export const OutboxEvent = defineEntity({
  name: "OutboxEvent",
  tableName: "outbox",
  properties: {
    ...idProp,
    workspaceId: p.uuid().nullable(),
    eventType: p.string(),
    subject: p.string(),
    envelope: p.json<TEnvelope>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    publishedAt: startsNull(p.datetime().nullable()),
    publishAttempts: p.integer().default(0).onCreate(() => 0),
    lastError: startsNull(p.text().nullable()),
    /** Set when the stored envelope does not parse: the relay never claims the row again. */
    rejectedAt: startsNull(p.datetime().nullable()),
    /** The envelope was validated against its contract when stored (`op.emit`): the relay publishes it as stored. */
    validated: p.boolean().default(false).onCreate(() => false),
  },
  // Scoped like tenant tables: system rows (workspace_id null) are for the system role's own tooling.
  filters: { ...tenantFilter },
});
export type OutboxEvent = InferEntity<typeof OutboxEvent>;

/** The status of a consumer operation's `job_runs` row. */
export const JOB_RUN_STATUSES = ["running", "succeeded", "failed", "dead"] as const;
export type JobRunStatus = (typeof JOB_RUN_STATUSES)[number];

export const JobRun = defineEntity({
  name: "JobRun",
  tableName: "job_runs",
  properties: {
    ...idProp,
    workspaceId: p.uuid().nullable(),
    handler: p.string(),
    operationKey: p.string(),
    eventId: startsNull(p.uuid().nullable()),
    eventType: startsNull(p.string().nullable()),
    status: p.string().$type<JobRunStatus>(),
    attempts: p.integer().default(1).onCreate(() => 1),
    result: startsNull(p.json<Record<string, unknown>>().nullable()),
    lastError: startsNull(p.text().nullable()),
    startedAt: p.datetime().onCreate(() => new Date()),
    finishedAt: startsNull(p.datetime().nullable()),
    durationMs: startsNull(p.integer().nullable()),
  },
  // Scoped like tenant tables: system rows (workspace_id null) are for the system role's own tooling.
  filters: { ...tenantFilter },
});
export type JobRun = InferEntity<typeof JobRun>;

/** A dead letter is `dead` until an operator replays it. */
export const DEAD_LETTER_STATUSES = ["dead", "replayed"] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

export const DeadLetterJob = defineEntity({
  name: "DeadLetterJob",
  tableName: "dead_letter_jobs",
  properties: {
    ...idProp,
    workspaceId: p.uuid().nullable(),
    handler: p.string(),
    eventId: startsNull(p.uuid().nullable()),
    eventType: startsNull(p.string().nullable()),
    subject: p.string(),
    envelope: p.json<unknown>(),
    error: p.text(),
    attempts: p.integer(),
    streamSeq: startsNull(p.bigint("number").nullable()),
    status: p.string().$type<DeadLetterStatus>().default("dead").onCreate(() => "dead"),
    replayAttempts: p.integer().default(0).onCreate(() => 0),
    replayedAt: startsNull(p.datetime().nullable()),
    replayError: startsNull(p.text().nullable()),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  // Scoped like tenant tables: system rows (workspace_id null) are for the system role's own tooling.
  filters: { ...tenantFilter },
});
export type DeadLetterJob = InferEntity<typeof DeadLetterJob>;

export const IdempotencyKey = defineEntity({
  name: "IdempotencyKey",
  tableName: "idempotency_keys",
  properties: {
    ...idProp,
    userId: p.uuid(),
    key: p.string(),
    procedure: p.string(),
    requestHash: p.string(),
    response: startsNull(p.json<unknown>().nullable()),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
  },
});
export type IdempotencyKey = InferEntity<typeof IdempotencyKey>;

/** The workspace's human-readable activity feed (not the audit trail). */
export const ActivityLog = defineEntity({
  name: "ActivityLog",
  tableName: "activity_logs",
  properties: {
    ...idProp, ...tenantProp,
    projectId: startsNull(p.uuid().nullable()),
    actorId: startsNull(p.uuid().nullable()),
    verb: p.string(),
    targetType: p.string(),
    targetId: startsNull(p.uuid().nullable()),
    summary: p.text(),
    data: p.json<Record<string, unknown>>().onCreate(() => ({})),
    correlationId: startsNull(p.string().nullable()),
    occurredAt: p.datetime().onCreate(() => new Date()),
  },
  filters: { ...tenantFilter },
});
export type ActivityLog = InferEntity<typeof ActivityLog>;
