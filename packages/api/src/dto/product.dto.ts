import type { ActivityLog, AuditLog, Document, Item, Project } from "@spine/domain";
import { ZItemStatusSchema } from "@spine/domain";
import { z } from "zod";
import { iso, ZIdSchema, ZTimestampSchema } from "./common.ts";

const ZRecordMetaSchema = z.object({
  id: ZIdSchema, workspaceId: ZIdSchema, createdBy: ZIdSchema.nullable(),
  createdAt: ZTimestampSchema, updatedAt: ZTimestampSchema, deletedAt: ZTimestampSchema.nullable(),
});
function meta(r: Project | Item | Document) {
  return { id: r.id, workspaceId: r.workspaceId, createdBy: r.createdBy ?? null, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt), deletedAt: iso(r.deletedAt) };
}

export const ZProjectSchema = ZRecordMetaSchema.extend({ name: z.string(), description: z.string() });
export type TProject = z.infer<typeof ZProjectSchema>;
export function toProjectDto(p: Project): TProject {
  return { ...meta(p), name: p.name, description: p.description };
}

export const ZItemSchema = ZRecordMetaSchema.extend({ projectId: ZIdSchema, title: z.string(), body: z.string(), status: ZItemStatusSchema });
export type TItem = z.infer<typeof ZItemSchema>;
export function toItemDto(i: Item): TItem {
  return { ...meta(i), projectId: i.projectId, title: i.title, body: i.body, status: i.status };
}

/** A document without its text, for lists. */
export const ZDocumentSummarySchema = ZRecordMetaSchema.extend({
  projectId: ZIdSchema.nullable(), title: z.string(), format: z.enum(["text", "markdown", "html"]), metadata: z.record(z.string(), z.unknown()),
  contentHash: z.string().nullable(), ingestionStatus: z.string(), ingestedAt: ZTimestampSchema.nullable(),
  /** Why ingestion refused the content (status `failed`): `too_large` or `unparsable`, with a message. */
  ingestionError: z.object({ reason: z.enum(["too_large", "unparsable"]), message: z.string() }).nullable(),
});
export type TDocumentSummary = z.infer<typeof ZDocumentSummarySchema>;
export function toDocumentSummaryDto(d: Document): TDocumentSummary {
  return {
    ...meta(d), projectId: d.projectId ?? null, title: d.title, format: d.format, metadata: d.metadata,
    contentHash: d.contentHash ?? null, ingestionStatus: d.ingestionStatus, ingestedAt: iso(d.ingestedAt), ingestionError: d.ingestionError ?? null,
  };
}
export const ZDocumentSchema = ZDocumentSummarySchema.extend({ content: z.string() });
export type TDocument = z.infer<typeof ZDocumentSchema>;
export function toDocumentDto(d: Document): TDocument {
  return { ...toDocumentSummaryDto(d), content: d.content };
}

export const ZActivitySchema = z.object({
  id: ZIdSchema, projectId: ZIdSchema.nullable(), actorId: ZIdSchema.nullable(), verb: z.string(), targetType: z.string(),
  targetId: ZIdSchema.nullable(), summary: z.string(), data: z.record(z.string(), z.unknown()), correlationId: z.string().nullable(),
  occurredAt: ZTimestampSchema,
});
export type TActivity = z.infer<typeof ZActivitySchema>;
export function toActivityDto(a: ActivityLog): TActivity {
  return {
    id: a.id, projectId: a.projectId ?? null, actorId: a.actorId ?? null, verb: a.verb, targetType: a.targetType, targetId: a.targetId ?? null,
    summary: a.summary, data: a.data, correlationId: a.correlationId ?? null, occurredAt: iso(a.occurredAt),
  };
}

export const ZAuditEntrySchema = z.object({
  id: ZIdSchema, actorId: ZIdSchema.nullable(), actorType: z.string(), action: z.string(), targetType: z.string(),
  targetId: ZIdSchema.nullable(), changes: z.object({ before: z.record(z.string(), z.unknown()).optional(), after: z.record(z.string(), z.unknown()).optional() }),
  correlationId: z.string(), occurredAt: ZTimestampSchema,
});
export type TAuditEntry = z.infer<typeof ZAuditEntrySchema>;
export function toAuditEntryDto(a: AuditLog): TAuditEntry {
  return {
    id: a.id, actorId: a.actorId ?? null, actorType: a.actorType, action: a.action, targetType: a.targetType, targetId: a.targetId ?? null,
    changes: a.changes, correlationId: a.correlationId, occurredAt: iso(a.occurredAt),
  };
}
