import { AuthSession, Role, User, Workspace, WorkspaceMembership } from "../modules/identity/entities.ts";
import { Document, Item, Project } from "../modules/product/entities.ts";
import { AgentRun, AgentThread, DocumentChunk, Embedding, ToolCall } from "../modules/knowledge/entities.ts";
import { Integration, IntegrationEvent } from "../modules/integrations/entities.ts";
import { AccessEventRecord, DemoAccessState, UsageCounter, UsagePolicy } from "../modules/governance/entities.ts";
import { ActivityLog, AuditLog, DeadLetterJob, IdempotencyKey, JobRun, OutboxEvent } from "../platform/entities.ts";

/** Every entity of the seed specification, plus outbox, sessions and idempotency keys. */
export const ENTITY_SCHEMAS = [
  User, AuthSession, Workspace, Role, WorkspaceMembership,
  Project, Item, Document, ActivityLog,
  DocumentChunk, Embedding, AgentThread, AgentRun, ToolCall,
  Integration, IntegrationEvent,
  DemoAccessState, AccessEventRecord, UsagePolicy, UsageCounter,
  AuditLog, JobRun, DeadLetterJob, OutboxEvent, IdempotencyKey,
];
