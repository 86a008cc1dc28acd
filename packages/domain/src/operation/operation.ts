import type { EntityManager } from "@mikro-orm/postgresql";
import { createEnvelope, subjectFor, type EnvelopeOf, type EventPayload, type EventType } from "@spine/contracts";
import { AppError } from "../errors/app-error.ts";
import type { KeyRing } from "../shared/key-ring.ts";
import { AuditLog, OutboxEvent, type AuditChanges } from "../platform/entities.ts";
import { TENANT_FILTER } from "../shared/common-props.ts";
import { newId } from "../shared/ids.ts";
import { redact } from "../uow/redact.ts";
import type { OperationContext } from "../context/operation-context.ts";
import { sessionSettingsStatement, type SessionScope } from "../context/session-settings.ts";

/** The row-level-security scope of an operation's context: its workspace, and its user when a user acts. */
export function scopeOf(ctx: OperationContext): SessionScope {
  return { workspaceId: ctx.workspaceId, userId: ctx.actorType === "user" ? ctx.actorId : null };
}

/**
 * Set the row-level-security scope for the rest of the current transaction. `inSession` says the session
 * settings were already sent with the transaction's `BEGIN` (`Domain.run`), so only the ORM's filter is set.
 */
export async function applyScope(em: EntityManager, ctx: OperationContext, inSession = false): Promise<void> {
  if (!inSession) {
    const { sql, params } = sessionSettingsStatement(scopeOf(ctx), "knex");
    await em.execute(sql, params);
  }
  em.setFilterParams(TENANT_FILTER, { workspaceId: ctx.workspaceId });
}

/**
 * One domain operation: a forked entity manager inside one transaction, scoped to one workspace.
 * Events it emits and audit rows it writes commit with its domain changes, or not at all.
 */
export class Operation {
  constructor(
    readonly em: EntityManager,
    readonly ctx: OperationContext,
    private readonly secretKeys: KeyRing | null = null,
  ) {}

  /** The key ring that seals and opens secrets at rest; a process configured without one cannot touch secrets. */
  get keyRing(): KeyRing {
    if (!this.secretKeys) throw new AppError("INTERNAL", "no key ring is configured (SPINE_KEY_RING); secrets cannot be sealed or opened in this process");
    return this.secretKeys;
  }

  /** The operation's workspace; throws if the operation is not workspace-scoped. */
  get workspaceId(): string {
    if (!this.ctx.workspaceId) throw AppError.forbidden("this operation needs a workspace");
    return this.ctx.workspaceId;
  }

  /** Move the operation into a workspace (a workspace being created, say). */
  async enterWorkspace(workspaceId: string): Promise<void> {
    this.ctx.workspaceId = workspaceId;
    await applyScope(this.em, this.ctx);
  }

  /**
   * Run `fn` in a savepoint of this operation's transaction: if it throws, its writes, events and
   * audit rows are rolled back and the error is rethrown; the operation itself goes on.
   */
  savepoint<T>(fn: (op: Operation) => Promise<T>): Promise<T> {
    return this.em.transactional((em) => fn(new Operation(em, this.ctx, this.secretKeys)));
  }

  /** Record an event; it is validated now and lands in the outbox with this transaction. */
  emit<T extends EventType>(type: T, payload: EventPayload<T>): EnvelopeOf<T> {
    const envelope = createEnvelope({
      type,
      payload,
      workspaceId: this.ctx.workspaceId,
      // The spec's actor_id is "the user or system actor, if known": any actor the context names.
      actorId: this.ctx.actorId,
      correlationId: this.ctx.correlationId,
    });
    this.em.persist(
      this.em.create(OutboxEvent, {
        id: envelope.event_id,
        workspaceId: envelope.workspace_id,
        eventType: envelope.event_type,
        subject: subjectFor(envelope.workspace_id, envelope.event_type),
        envelope,
        // createEnvelope validated it against its contract just now.
        validated: true,
      }),
    );
    return envelope;
  }

  /** Explicit audit row, for bulk or native writes that bypass the unit of work. */
  audit(entry: { action: string; targetType: string; targetId: string | null; changes?: AuditChanges }): AuditLog {
    const audit = this.em.create(AuditLog, {
      id: newId(),
      workspaceId: this.workspaceId,
      actorId: this.ctx.actorId,
      actorType: this.ctx.actorType,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      changes: redact(entry.changes ?? {}) as AuditChanges,
      correlationId: this.ctx.correlationId,
    });
    this.em.persist(audit);
    return audit;
  }
}
