import { ChangeSetType, type EventSubscriber, type FlushEventArgs, type UnitOfWork } from "@mikro-orm/core";
import { AppError } from "../errors/app-error.ts";
import type { OperationContext, OperationContextStore } from "../context/operation-context.ts";
import { AuditLog } from "../platform/entities.ts";
import { auditEntryFor, toEntityValues, type AnyChangeSet } from "./audit-entry.ts";
import { newId } from "../shared/ids.ts";

export { PRIVILEGED_ENTITIES, SOFT_DELETE_TARGETS } from "./privileged-writes.ts";

function workspaceOf(entity: Record<string, unknown> | undefined, name: string): string | null {
  if (!entity) return null;
  const ws = name === "Workspace" ? entity.id : entity.workspaceId;
  return typeof ws === "string" ? ws : null;
}

/** A DELETE of an entity with `deletedAt` becomes an UPDATE that sets it (the row stays). */
function convertToSoftDelete(uow: UnitOfWork, cs: AnyChangeSet, originals: Map<object, Record<string, unknown>>): void {
  const loaded = uow.getOriginalEntityData(cs.entity) as Record<string, unknown> | undefined;
  if (loaded) originals.set(cs.entity, { ...loaded });
  cs.entity.deletedAt = new Date();
  if (cs.meta.properties.updatedAt) cs.entity.updatedAt = new Date();
  cs.type = ChangeSetType.UPDATE;
  // A delete change set carries no snapshot; the update persister and the audit diff need one.
  if (loaded) cs.originalEntity = loaded as AnyChangeSet["originalEntity"];
  uow.recomputeSingleChangeSet(cs.entity);
}

/** A tenant row (its values, as `entityName`) must belong to the operation's workspace: FORBIDDEN otherwise. */
export function assertRowInWorkspace(ctx: OperationContext, entityName: string, row: Record<string, unknown> | undefined): void {
  const ws = workspaceOf(row, entityName);
  if (ws !== null && ws !== ctx.workspaceId) {
    throw AppError.forbidden(`${entityName} belongs to another workspace than the operation's`);
  }
}

/** Every tenant row written must belong to the operation's workspace, before and after the change. */
function assertSameWorkspace(ctx: OperationContext, cs: AnyChangeSet, original: Record<string, unknown> | undefined): void {
  assertRowInWorkspace(ctx, cs.name, cs.entity);
  assertRowInWorkspace(ctx, cs.name, original);
}

/**
 * One subscriber, three steps in a fixed order on every flush, all inside the flush's transaction:
 * 1. a DELETE of a soft-deletable entity becomes an UPDATE of `deletedAt`;
 * 2. every tenant row written must belong to the operation's workspace (fails closed without one);
 * 3. privileged writes (see privileged-writes.ts) get exactly one audit row each.
 */
export class UnitOfWorkSubscriber implements EventSubscriber {
  constructor(private readonly store: OperationContextStore) {}

  async onFlush({ uow, em }: FlushEventArgs): Promise<void> {
    const ctx = this.store.current();
    // Snapshots taken before any recompute: `cs.originalEntity` is the as-loaded state for
    // updates, but delete change sets have none, so read it from the unit of work.
    const originals = new Map<object, Record<string, unknown>>();
    for (const cs of uow.getChangeSets() as AnyChangeSet[]) {
      const isDelete = cs.type === ChangeSetType.DELETE || cs.type === ChangeSetType.DELETE_EARLY;
      if (isDelete && cs.meta.properties.deletedAt) {
        convertToSoftDelete(uow, cs, originals);
        continue;
      }
      const loaded = (cs.originalEntity ?? uow.getOriginalEntityData(cs.entity)) as Record<string, unknown> | undefined;
      if (loaded) originals.set(cs.entity, { ...loaded });
    }

    const pending = uow.getChangeSets() as AnyChangeSet[];
    if (pending.length === 0) return;
    if (!ctx) throw new AppError("INTERNAL", "writes must run inside a domain operation (Domain.run)");

    const audits: AuditLog[] = [];
    for (const cs of pending) {
      if (cs.name === "AuditLog") continue;
      const original = cs.type === ChangeSetType.CREATE ? undefined : originals.get(cs.entity);
      assertSameWorkspace(ctx, cs, original);
      const entry = auditEntryFor(cs, toEntityValues(cs.meta, em.getPlatform(), original));
      const ws = workspaceOf(cs.entity, cs.name);
      if (!entry || !ws) continue;
      audits.push(
        em.create(AuditLog, {
          id: newId(),
          workspaceId: ws,
          actorId: ctx.actorId,
          actorType: ctx.actorType,
          action: entry.action,
          targetType: entry.targetType,
          targetId: typeof cs.entity.id === "string" ? cs.entity.id : null,
          changes: entry.changes,
          correlationId: ctx.correlationId,
        }),
      );
    }
    for (const audit of audits) uow.computeChangeSet(audit);
  }
}
