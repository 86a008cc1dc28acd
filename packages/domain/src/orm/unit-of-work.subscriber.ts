import { ChangeSetType, type ChangeSet, type EventSubscriber, type FlushEventArgs } from "@mikro-orm/core";
import { AppError } from "../errors/app-error.ts";
import type { OperationContextStore } from "../context/operation-context.ts";
import { AuditLog } from "../modules/ops/entities.ts";
import { newId } from "./ids.ts";
import { redact } from "./redact.ts";

/**
 * Privileged writes: every create, update and delete of these entities writes an audit row.
 * Keep in step with the README's "Audit" section.
 */
export const PRIVILEGED_ENTITIES: Readonly<Record<string, string>> = {
  Workspace: "workspace", // create, settings and name changes, delete, restore
  WorkspaceMembership: "membership", // add, role change, removal
  Role: "role", // custom roles and permission changes
  Integration: "integration", // connect, config and credential changes, disconnect
  UsagePolicy: "usage_policy",
  DemoAccessState: "access_state",
};
/** User-facing records: soft-deleted by default; every delete and restore is audited. */
export const SOFT_DELETE_TARGETS: Readonly<Record<string, string>> = {
  Workspace: "workspace", Project: "project", Item: "item", Document: "document",
  AgentThread: "agent_thread", Integration: "integration",
};

const IGNORED_DIFF_KEYS = new Set(["updatedAt", "createdAt"]);

function pick(source: Record<string, unknown> | undefined, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!source) return out;
  for (const key of keys) out[key] = source[key] ?? null;
  return out;
}

function workspaceOf(cs: ChangeSet<Record<string, unknown>>): string | null {
  if (cs.name === "Workspace") return cs.entity.id as string;
  const ws = cs.entity.workspaceId;
  return typeof ws === "string" ? ws : null;
}

/**
 * One subscriber, three steps in a fixed order on every flush, all inside the flush's transaction:
 * 1. a DELETE of a soft-deletable entity becomes an UPDATE of `deletedAt`;
 * 2. every tenant row written must belong to the operation's workspace;
 * 3. privileged writes get their audit row.
 */
export class UnitOfWorkSubscriber implements EventSubscriber {
  constructor(private readonly store: OperationContextStore) {}

  async onFlush({ uow, em }: FlushEventArgs): Promise<void> {
    const ctx = this.store.current();
    const changeSets = uow.getChangeSets() as ChangeSet<Record<string, unknown>>[];

    for (const cs of changeSets) {
      if (cs.type !== ChangeSetType.DELETE || !cs.meta.properties.deletedAt) continue;
      cs.entity.deletedAt = new Date();
      cs.type = ChangeSetType.UPDATE;
      uow.recomputeSingleChangeSet(cs.entity);
    }

    const pending = uow.getChangeSets() as ChangeSet<Record<string, unknown>>[];
    if (pending.length === 0) return;
    if (!ctx) throw new AppError("INTERNAL", "writes must run inside a domain operation (Domain.run)");

    const audits: AuditLog[] = [];
    for (const cs of pending) {
      if (cs.name === "AuditLog") continue;
      const ws = workspaceOf(cs);
      if (ctx.workspaceId !== null && ws !== null && ws !== ctx.workspaceId) {
        throw AppError.forbidden(`${cs.name} belongs to another workspace than the operation's`);
      }
      const entry = this.auditEntry(cs);
      if (!entry || !ws) continue;
      const audit = em.create(AuditLog, {
        id: newId(),
        workspaceId: ws,
        actorId: ctx.actorId,
        actorType: ctx.actorType,
        action: entry.action,
        targetType: entry.targetType,
        targetId: (cs.entity.id as string | undefined) ?? null,
        changes: entry.changes,
        correlationId: ctx.correlationId,
      });
      audits.push(audit);
    }
    for (const audit of audits) uow.computeChangeSet(audit);
  }

  private auditEntry(cs: ChangeSet<Record<string, unknown>>) {
    const privileged = PRIVILEGED_ENTITIES[cs.name];
    const softTarget = SOFT_DELETE_TARGETS[cs.name];
    const targetType = privileged ?? softTarget;
    if (!targetType) return null;
    const payload = (cs.payload ?? {}) as Record<string, unknown>;
    const original = cs.originalEntity as Record<string, unknown> | undefined;

    if (cs.type === ChangeSetType.CREATE) {
      if (!privileged) return null;
      return { targetType, action: `${targetType}.created`, changes: { after: redact(cs.entity) as Record<string, unknown> } };
    }
    if (cs.type === ChangeSetType.DELETE) {
      return { targetType, action: `${targetType}.deleted`, changes: { before: redact(original ?? cs.entity) as Record<string, unknown> } };
    }
    const keys = Object.keys(payload).filter((k) => !IGNORED_DIFF_KEYS.has(k));
    if (keys.length === 0) return null;
    let action = `${targetType}.updated`;
    if (keys.includes("deletedAt")) {
      action = payload.deletedAt ? `${targetType}.deleted` : `${targetType}.restored`;
    } else if (!privileged) {
      return null;
    }
    return {
      targetType,
      action,
      changes: {
        before: redact(pick(original, keys)) as Record<string, unknown>,
        after: redact(pick(cs.entity, keys)) as Record<string, unknown>,
      },
    };
  }
}
