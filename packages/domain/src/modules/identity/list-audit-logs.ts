import type { FilterQuery } from "@mikro-orm/core";
import type { Operation } from "../../operation/operation.ts";
import { AuditLog } from "../../platform/entities.ts";
import { pageOf, type Page } from "../../shared/page.ts";

export interface AuditLogQuery {
  actorId?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** The workspace's audit trail, newest first, filtered and paged by id (UUIDv7, time-ordered). */
export async function listAuditLogs(op: Operation, query: AuditLogQuery): Promise<Page<AuditLog>> {
  const where: FilterQuery<AuditLog> = {};
  if (query.actorId) where.actorId = query.actorId;
  if (query.action) where.action = query.action;
  if (query.targetType) where.targetType = query.targetType;
  if (query.targetId) where.targetId = query.targetId;
  if (query.from || query.to) where.occurredAt = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) };
  if (query.cursor) where.id = { $lt: query.cursor };
  const rows = await op.em.find(AuditLog, where, { orderBy: { id: "desc" }, limit: query.limit + 1 });
  return pageOf(rows, query.limit);
}
