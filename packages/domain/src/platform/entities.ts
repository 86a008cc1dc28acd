import { EntitySchema, OptionalProps } from "@mikro-orm/core";
import type { ActorType } from "../context/operation-context.ts";
import { idProp, tenantFilter, tenantProp } from "../shared/common-props.ts";

export interface AuditChanges {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}
export class AuditLog {
  [OptionalProps]?: "occurredAt" | "changes" | "targetId" | "actorId";
  id!: string;
  workspaceId!: string;
  actorId: string | null = null;
  actorType!: ActorType;
  action!: string;
  targetType!: string;
  targetId: string | null = null;
  changes: AuditChanges = {};
  correlationId!: string;
  occurredAt!: Date;
}
export const AuditLogSchema = new EntitySchema<AuditLog>({
  class: AuditLog,
  tableName: "audit_logs",
  properties: {
    ...idProp, ...tenantProp,
    actorId: { type: "uuid", nullable: true },
    actorType: { type: "string" },
    action: { type: "string" },
    targetType: { type: "string" },
    targetId: { type: "uuid", nullable: true },
    changes: { type: "json" },
    correlationId: { type: "string" },
    occurredAt: { type: "Date", onCreate: () => new Date() },
  },
  filters: { ...tenantFilter },
});

/** A committed event waiting for (or kept after) publication. `id` is the envelope's event_id. */
export class OutboxEvent {
  [OptionalProps]?: "createdAt" | "publishedAt" | "publishAttempts" | "lastError" | "rejectedAt" | "validated";
  id!: string;
  workspaceId!: string | null;
  eventType!: string;
  subject!: string;
  envelope!: Record<string, unknown>;
  createdAt!: Date;
  publishedAt: Date | null = null;
  publishAttempts = 0;
  lastError: string | null = null;
  /** Set when the stored envelope does not parse: the relay never claims the row again. */
  rejectedAt: Date | null = null;
  /** The envelope was validated against its contract when stored (`op.emit`): the relay publishes it as stored. */
  validated = false;
}
export const OutboxEventSchema = new EntitySchema<OutboxEvent>({
  class: OutboxEvent,
  tableName: "outbox",
  properties: {
    ...idProp,
    workspaceId: { type: "uuid", nullable: true },
    eventType: { type: "string" },
    subject: { type: "string" },
    envelope: { type: "json" },
    createdAt: { type: "Date", onCreate: () => new Date() },
    publishedAt: { type: "Date", nullable: true },
    publishAttempts: { type: "integer" },
    lastError: { type: "text", nullable: true },
    rejectedAt: { type: "Date", nullable: true },
    validated: { type: "boolean" },
  },
  // Scoped like tenant tables: system rows (workspace_id null) are for the system role's own tooling.
  filters: { ...tenantFilter },
});

export class JobRun {
  [OptionalProps]?: "attempts" | "result" | "lastError" | "startedAt" | "finishedAt" | "durationMs" | "eventId" | "eventType";
  id!: string;
  workspaceId!: string | null;
  handler!: string;
  operationKey!: string;
  eventId: string | null = null;
  eventType: string | null = null;
  status!: string;
  attempts = 1;
  result: Record<string, unknown> | null = null;
  lastError: string | null = null;
  startedAt!: Date;
  finishedAt: Date | null = null;
  durationMs: number | null = null;
}
export const JobRunSchema = new EntitySchema<JobRun>({
  class: JobRun,
  tableName: "job_runs",
  properties: {
    ...idProp,
    workspaceId: { type: "uuid", nullable: true },
    handler: { type: "string" },
    operationKey: { type: "string" },
    eventId: { type: "uuid", nullable: true },
    eventType: { type: "string", nullable: true },
    status: { type: "string" },
    attempts: { type: "integer" },
    result: { type: "json", nullable: true },
    lastError: { type: "text", nullable: true },
    startedAt: { type: "Date", onCreate: () => new Date() },
    finishedAt: { type: "Date", nullable: true },
    durationMs: { type: "integer", nullable: true },
  },
  // Scoped like tenant tables: system rows (workspace_id null) are for the system role's own tooling.
  filters: { ...tenantFilter },
});

export class DeadLetterJob {
  [OptionalProps]?: "createdAt" | "status" | "replayAttempts" | "replayedAt" | "replayError" | "streamSeq" | "eventId" | "eventType";
  id!: string;
  workspaceId!: string | null;
  handler!: string;
  eventId: string | null = null;
  eventType: string | null = null;
  subject!: string;
  envelope!: unknown;
  error!: string;
  attempts!: number;
  streamSeq: number | null = null;
  status = "dead";
  replayAttempts = 0;
  replayedAt: Date | null = null;
  replayError: string | null = null;
  createdAt!: Date;
}
export const DeadLetterJobSchema = new EntitySchema<DeadLetterJob>({
  class: DeadLetterJob,
  tableName: "dead_letter_jobs",
  properties: {
    ...idProp,
    workspaceId: { type: "uuid", nullable: true },
    handler: { type: "string" },
    eventId: { type: "uuid", nullable: true },
    eventType: { type: "string", nullable: true },
    subject: { type: "string" },
    envelope: { type: "json" },
    error: { type: "text" },
    attempts: { type: "integer" },
    streamSeq: { type: "bigint", runtimeType: "number", nullable: true },
    status: { type: "string" },
    replayAttempts: { type: "integer" },
    replayedAt: { type: "Date", nullable: true },
    replayError: { type: "text", nullable: true },
    createdAt: { type: "Date", onCreate: () => new Date() },
  },
  // Scoped like tenant tables: system rows (workspace_id null) are for the system role's own tooling.
  filters: { ...tenantFilter },
});

export class IdempotencyKey {
  [OptionalProps]?: "createdAt" | "response";
  id!: string;
  userId!: string;
  key!: string;
  procedure!: string;
  requestHash!: string;
  response: unknown = null;
  createdAt!: Date;
  expiresAt!: Date;
}
export const IdempotencyKeySchema = new EntitySchema<IdempotencyKey>({
  class: IdempotencyKey,
  tableName: "idempotency_keys",
  properties: {
    ...idProp,
    userId: { type: "uuid" },
    key: { type: "string" },
    procedure: { type: "string" },
    requestHash: { type: "string" },
    response: { type: "json", nullable: true },
    createdAt: { type: "Date", onCreate: () => new Date() },
    expiresAt: { type: "Date" },
  },
});

/** The workspace's human-readable activity feed (not the audit trail). */
export class ActivityLog {
  [OptionalProps]?: "occurredAt" | "data" | "projectId" | "targetId" | "correlationId" | "actorId";
  id!: string;
  workspaceId!: string;
  projectId: string | null = null;
  actorId: string | null = null;
  verb!: string;
  targetType!: string;
  targetId: string | null = null;
  summary!: string;
  data: Record<string, unknown> = {};
  correlationId: string | null = null;
  occurredAt!: Date;
}
export const ActivityLogSchema = new EntitySchema<ActivityLog>({
  class: ActivityLog,
  tableName: "activity_logs",
  properties: {
    ...idProp, ...tenantProp,
    projectId: { type: "uuid", nullable: true },
    actorId: { type: "uuid", nullable: true },
    verb: { type: "string" },
    targetType: { type: "string" },
    targetId: { type: "uuid", nullable: true },
    summary: { type: "text" },
    data: { type: "json" },
    correlationId: { type: "string", nullable: true },
    occurredAt: { type: "Date", onCreate: () => new Date() },
  },
  filters: { ...tenantFilter },
});
