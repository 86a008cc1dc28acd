import { AuthSessionSchema, RoleSchema, UserSchema, WorkspaceMembershipSchema, WorkspaceSchema } from "../modules/identity/entities.ts";
import { DocumentSchema, ItemSchema, ProjectSchema } from "../modules/product/entities.ts";
import { AgentRunSchema, AgentThreadSchema, DocumentChunkSchema, EmbeddingSchema, ToolCallSchema } from "../modules/knowledge/entities.ts";
import { IntegrationEventSchema, IntegrationSchema } from "../modules/integrations/entities.ts";
import { AccessEventRecordSchema, DemoAccessStateSchema, UsageCounterSchema, UsagePolicySchema } from "../modules/governance/entities.ts";
import { ActivityLogSchema, AuditLogSchema, DeadLetterJobSchema, IdempotencyKeySchema, JobRunSchema, OutboxEventSchema } from "../platform/entities.ts";

/** Every entity of the seed specification, plus outbox, sessions and idempotency keys. */
export const ENTITY_SCHEMAS = [
  UserSchema, AuthSessionSchema, WorkspaceSchema, RoleSchema, WorkspaceMembershipSchema,
  ProjectSchema, ItemSchema, DocumentSchema, ActivityLogSchema,
  DocumentChunkSchema, EmbeddingSchema, AgentThreadSchema, AgentRunSchema, ToolCallSchema,
  IntegrationSchema, IntegrationEventSchema,
  DemoAccessStateSchema, AccessEventRecordSchema, UsagePolicySchema, UsageCounterSchema,
  AuditLogSchema, JobRunSchema, DeadLetterJobSchema, OutboxEventSchema, IdempotencyKeySchema,
];
